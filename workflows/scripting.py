"""The restricted environment for conditions, timer expressions and script tasks.

Diagrams are edited by managers in a browser, so their Python must not reach the host:
RestrictedPython rejects dunder access and imports at compile time, this module also rejects
loops without a bound (`while`), functions (unbounded recursion), and replaces `**`, `*`, `<<`
and `+` with guards that cap the size of their result; every iteration counts against a budget
and a wall-clock deadline.
"""

import ast
import operator
import re
import time
from functools import lru_cache

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.Guards import full_write_guard, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import ScriptFailed, ScriptRejected

MAX_ITERATIONS = 100_000
MAX_SECONDS = 1.0
MAX_RESULT_LENGTH = 100_000
MAX_INT_BITS = 4_096

# Camunda Modeler writes timer texts unquoted (P30D); SpiffWorkflow would eval them as Python.
ISO_LITERAL = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$"
)
_FORBIDDEN_NODES = {
    ast.While: "while loops are not allowed",
    ast.Lambda: "functions are not allowed",
    ast.FunctionDef: "functions are not allowed",
    ast.AsyncFunctionDef: "functions are not allowed",
    ast.ClassDef: "classes are not allowed",
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.Try: "try is not allowed",
    ast.With: "with is not allowed",
    ast.Raise: "raise is not allowed",
    ast.Delete: "del is not allowed",
}
_GUARDED_OPS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_", ast.Add: "_add_"}
_AMPLIFYING_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs", "format", "format_map"}


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, narrowed to what a condition or a small script needs."""

    def visit(self, node):
        message = _FORBIDDEN_NODES.get(type(node))
        if message:
            self.error(node, message)
            return node
        return super().visit(node)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(ast.Name(guard, ast.Load()), [node.left, node.right], [])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_AugAssign(self, node):
        if type(node.op) in _GUARDED_OPS and not isinstance(node.op, ast.Add):
            self.error(node, "augmented **, * and << are not allowed")
        return super().visit_AugAssign(node)


def _check_size(value):
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ScriptFailed("number too large")
    if hasattr(value, "__len__") and len(value) > MAX_RESULT_LENGTH:
        raise ScriptFailed("result too large")
    return value


def _pow(base, exponent):
    big_int = isinstance(exponent, int) and isinstance(base, int) and abs(base) > 1
    if big_int and exponent * abs(base).bit_length() > MAX_INT_BITS:
        raise ScriptFailed("number too large")
    return _check_size(base**exponent)


def _mul(left, right):
    for seq, count in ((left, right), (right, left)):
        sized = hasattr(seq, "__len__") and isinstance(count, int)
        if sized and len(seq) * count > MAX_RESULT_LENGTH:
            raise ScriptFailed("result too large")
    return _check_size(left * right)


def _add(left, right):
    return _check_size(left + right)


def _sum(values, start=0):
    if not isinstance(start, int | float):
        raise ScriptRejected("sum() adds numbers only")
    return sum(values, start)


def _lshift(left, right):
    if isinstance(right, int) and right > MAX_INT_BITS:
        raise ScriptFailed("number too large")
    return left << right


_INPLACE = {
    "+=": operator.add,
    "-=": operator.sub,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    "%=": operator.mod,
    "&=": operator.and_,
    "|=": operator.or_,
    "^=": operator.xor,
    ">>=": operator.rshift,
}


def _inplacevar(op, left, right):
    return _check_size(_INPLACE[op](left, right))


def _getattr(obj, name, default=None):
    if isinstance(obj, str | bytes) and name in _AMPLIFYING_METHODS:
        raise ScriptRejected(f"str.{name} is not allowed")
    return safer_getattr(obj, name, default)


def _limited_range(*args):
    values = range(*args)
    if len(values) > MAX_RESULT_LENGTH:
        raise ScriptFailed("range too large")
    return values


_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "divmod",
        "enumerate",
        "float",
        "int",
        "isinstance",
        "len",
        "list",
        "max",
        "min",
        "round",
        "set",
        "sorted",
        "str",
        "tuple",
        "zip",
        "True",
        "False",
        "None",
    )
}
_BUILTINS |= {"range": _limited_range, "sum": _sum}
BUILTIN_NAMES = frozenset(_BUILTINS)


class _Budget:
    """Counts iterations and watches the clock for one evaluation."""

    def __init__(self):
        self.left = MAX_ITERATIONS
        self.deadline = time.monotonic() + MAX_SECONDS

    def iterate(self, iterable):
        for item in iterable:
            self.left -= 1
            if self.left < 0 or time.monotonic() > self.deadline:
                raise ScriptFailed("the expression ran past its time budget")
            yield item


@lru_cache(maxsize=2048)
def compile_expression(source: str):
    """Compile a condition or timer expression; raise ScriptRejected with the reasons."""
    result = compile_restricted_eval(source.strip(), "<condition>", policy=_Policy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=512)
def compile_script(source: str):
    """Compile a script task's body; raise ScriptRejected with the reasons."""
    result = compile_restricted_exec(source, "<script>", policy=_Policy)
    if result.errors:
        raise ScriptRejected("; ".join(result.errors))
    return result.code


def _globals(data: dict) -> dict:
    budget = _Budget()
    env = {
        "__builtins__": _BUILTINS,
        "_getattr_": _getattr,
        "_getitem_": lambda obj, key: obj[key],
        "_getiter_": budget.iterate,
        "_iter_unpack_sequence_": lambda it, spec, _gi: guarded_unpack_sequence(it, spec, _gi),
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_pow_": _pow,
        "_mul_": _mul,
        "_lshift_": _lshift,
        "_add_": _add,
        "_inplacevar_": _inplacevar,
    }
    env.update(data)
    return env


def evaluate(source: str, data: dict):
    """Evaluate an expression over case data; ISO-8601 literals come back as strings."""
    text = source.strip()
    if ISO_LITERAL.match(text):
        return text
    code = compile_expression(text)
    try:
        return eval(code, _globals(data))
    except (ScriptFailed, ScriptRejected):
        raise
    except Exception as exc:
        raise ScriptFailed(f"{type(exc).__name__}: {exc}") from exc


def execute(source: str, data: dict) -> None:
    """Run a script task body; names it assigns are written back into `data`."""
    code = compile_script(source)
    env = _globals(data)
    try:
        exec(code, env)
    except (ScriptFailed, ScriptRejected):
        raise
    except Exception as exc:
        raise ScriptFailed(f"{type(exc).__name__}: {exc}") from exc
    for name, value in env.items():
        if not name.startswith("_") and not callable(value):
            data[name] = value


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that runs everything through this module."""

    def evaluate(self, expression, context, external_context=None):
        return evaluate(expression, {**context, **(external_context or {})})

    def execute(self, script, context, external_context=None):
        execute(script, context)
        return True


def script_engine() -> PythonScriptEngine:
    """A SpiffWorkflow script engine bound to the restricted environment."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
