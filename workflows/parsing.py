"""Diagram bytes -> hardened XML -> SpiffWorkflow specs.

Uploads come from browsers, so XML is parsed from bytes (never by path: lxml silently
decompresses gzip files), with entities, DTDs and the network off, after a size bound.
"""

import math
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from .errors import N_, DiagramInvalid, Problem

DIAGRAM_DIR = Path(__file__).parent / "diagrams"
MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
COORDINATES = ("x", "y", "width", "height")
# SpiffWorkflow's parser raises plain Python errors on some malformed input, not its own.
PARSER_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def read_xml(data: bytes, filename: str) -> etree._ElementTree:
    """Parse one diagram's bytes safely, or raise DiagramInvalid saying why not."""
    if len(data) > MAX_DIAGRAM_BYTES:
        limit = MAX_DIAGRAM_BYTES // 1024
        raise DiagramInvalid(
            [Problem(filename, None, N_("file is larger than %(limit)d KB"), limit=limit)]
        )
    if data.startswith(GZIP_MAGIC):
        raise DiagramInvalid([Problem(filename, None, N_("compressed files are not accepted"))])
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DiagramInvalid(
            [Problem(filename, None, N_("DOCTYPE and entity declarations are not accepted"))]
        )
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        problem = Problem(filename, None, N_("not well-formed XML: %(reason)s"), reason=str(exc))
        raise DiagramInvalid([problem]) from exc
    problems = list(_coordinate_problems(root, filename))
    if problems:
        raise DiagramInvalid(problems)
    return root.getroottree()


def _finite(text) -> bool:
    try:
        return math.isfinite(float(text))
    except (TypeError, ValueError):
        return False


def _coordinate_problems(root, filename: str):
    """Shapes and edges whose coordinates are not finite numbers (SpiffWorkflow reads them)."""
    for point in root.iter(f"{DC}Bounds", f"{DI}waypoint"):
        bad = [n for n in COORDINATES if n in point.attrib and not _finite(point.get(n))]
        if bad:
            owner = point.getparent()
            element = owner.get("bpmnElement") if owner is not None else None
            yield Problem(filename, element, N_("coordinate %(name)r is not a number"), name=bad[0])


def diagram_files(directory: Path = DIAGRAM_DIR) -> dict[str, bytes]:
    """The .bpmn files of a folder, by file name."""
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.bpmn"))}


def bpmn_parser(files: dict[str, bytes]) -> CamundaParser:
    """A CamundaParser holding every given diagram, each read through `read_xml`."""
    parser = CamundaParser()
    for filename, data in files.items():
        try:
            parser.add_bpmn_xml(read_xml(data, filename), filename=filename)
        except ValidationException as exc:
            raise DiagramInvalid([validation_problem(exc, filename)]) from exc
        except PARSER_ERRORS as exc:
            raise DiagramInvalid([unreadable(exc, filename)]) from exc
    return parser


def unreadable(exc: Exception, filename: str | None) -> Problem:
    """A plain Python error from SpiffWorkflow's parser as a Problem on the file."""
    return Problem(
        filename or "?",
        None,
        N_("the diagram could not be read (%(error)s)"),
        error=type(exc).__name__,
    )


def validation_problem(exc: ValidationException, filename: str | None = None) -> Problem:
    """A SpiffWorkflow ValidationException as a Problem."""
    file = Path(exc.file_name).name if getattr(exc, "file_name", "") else filename or "?"
    element = getattr(exc, "id", None) or getattr(exc, "name", None) or None
    return Problem(file, element, str(exc).splitlines()[0])


def build_specs(files: dict[str, bytes], process_id: str):
    """Parse the files and return the spec of `process_id` and of the processes it calls."""
    parser = bpmn_parser(files)
    try:
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise DiagramInvalid([validation_problem(exc)]) from exc
    except PARSER_ERRORS as exc:
        raise DiagramInvalid([unreadable(exc, None)]) from exc
