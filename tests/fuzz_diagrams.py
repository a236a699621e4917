"""Seeded mutations of the shipped diagrams: byte flips, value swaps, deletions, duplications."""

import random

from lxml import etree

from workflows.parsing import diagram_files

HOSTILE_VALUES = [
    "abc",
    "",
    "-1",
    "1e308",
    "NaN",
    "9" * 400,
    "inf",
    "x" * 300,
    "<",
    "0x10",
    "Flow_missing",
    "Lane_x",
    "${x}",
    "__import__('os')",
    "\u202e",
    "1.5.5",
]


def _flip_bytes(rng, data: bytes) -> bytes:
    chunk = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        chunk[rng.randrange(len(chunk))] = rng.randrange(256)
    return bytes(chunk)


def _tree_mutation(rng, data: bytes) -> bytes:
    root = etree.fromstring(data)
    elements = list(root.iter())[1:]
    element = rng.choice(elements)
    kind = rng.randrange(4)
    if kind == 0 and element.attrib:
        name = rng.choice(list(element.attrib))
        element.set(name, rng.choice(HOSTILE_VALUES))
    elif kind == 1 and element.attrib:
        del element.attrib[rng.choice(list(element.attrib))]
    elif kind == 2 and element.getparent() is not None:
        element.getparent().remove(element)
    else:
        target = rng.choice(elements)
        if target is not element and element not in target.iterancestors():
            target.append(etree.fromstring(etree.tostring(element)))
    return etree.tostring(root)


def mutants(count: int, seed: int = 8):
    """`count` (filename, bytes, all files) mutants of the shipped diagrams, reproducibly."""
    rng = random.Random(seed)
    files = diagram_files()
    names = sorted(files)
    for _ in range(count):
        name = rng.choice(names)
        mutate = _flip_bytes if rng.random() < 0.3 else _tree_mutation
        data = mutate(rng, files[name])
        yield name, data, {**files, name: data}
