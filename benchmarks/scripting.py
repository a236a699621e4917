"""Cost of the bounded script engine: the shipped diagrams' conditions and scripts, per call.

Run: `.venv/bin/python benchmarks/scripting.py [--calls 20000]`. Prints microseconds per
evaluation of each expression, against plain `eval` of the same code, and the ratio.
"""

import argparse
import time

from workflows.scripting import compile_expression, evaluate, execute

CASE = {
    "age": 12,
    "identity_established": False,
    "parents_found": True,
    "origin_country": "CN",
    "origin_province": "sichuan",
    "home_province": "fujian",
    "name": "李小红",
}
EXPRESSIONS = [
    "age < 18 and not identity_established",
    "origin_country == 'CN' and origin_province != home_province",
    "f'{age:>4}|{name}'.replace('|', ' / ')",
    "'-'.join(p.lower() for p in [origin_province, home_province])",
]


def _per_call(run, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        run()
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    """Print µs per call for the bounded engine and for unguarded eval of the same source."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    calls = parser.parse_args().calls
    for source in EXPRESSIONS:
        compile_expression(source)
        bounded = _per_call(lambda s=source: evaluate(s, dict(CASE)), calls)
        plain_code = compile(source, "<plain>", "eval")
        plain = _per_call(lambda c=plain_code: eval(c, dict(CASE)), calls)
        print(
            f"{bounded:8.1f} µs bounded  {plain:6.1f} µs plain  x{bounded / plain:5.1f}  {source}"
        )
    script = "returning_home = parents_found if age < 18 else False"
    print(f"{_per_call(lambda: execute(script, dict(CASE)), calls):8.1f} µs script  {script}")


if __name__ == "__main__":
    main()
