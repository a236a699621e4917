"""The restricted environment for conditions, timer expressions and script tasks.

Diagrams are edited by managers in a browser, so their Python must not reach the host:
RestrictedPython rejects dunder access and imports at compile time, this module also rejects
loops without a bound (`while`), functions (unbounded recursion) and computed f-string widths,
and replaces `**`, `*`, `<<`, `+` and `%` with guards that cap the size of their result; every
iteration, string method, slice and f-string goes through `bounds.Budget`.
"""

import ast
import operator
import re
from functools import lru_cache

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.Guards import full_write_guard, guarded_unpack_sequence
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .bounds import MAX_INT_BITS, MAX_RESULT_LENGTH, Budget, check_format_spec, check_size
from .errors import ScriptFailed, ScriptRejected

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
_GUARDED_OPS = {
    ast.Pow: "_pow_",
    ast.Mult: "_mul_",
    ast.LShift: "_lshift_",
    ast.Add: "_add_",
    ast.Mod: "_mod_",
}


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
        if type(node.op) in _GUARDED_OPS and not isinstance(node.op, ast.Add | ast.Mod):
            self.error(node, "augmented **, * and << are not allowed")
        return super().visit_AugAssign(node)

    def visit_JoinedStr(self, node):
        node = self.node_contents_visit(node)
        return _guard_call("_charge_", node)

    def _charged_display(self, node):
        """A display that unpacks (`[*items]`, `{**mapping}`) copies: charge what it builds."""
        node = self.node_contents_visit(node)
        loading = isinstance(getattr(node, "ctx", ast.Load()), ast.Load)
        elements = getattr(node, "elts", None)
        unpacks = any(isinstance(e, ast.Starred) for e in elements or []) or (
            isinstance(node, ast.Dict) and None in node.keys
        )
        return _guard_call("_charge_", node) if loading and unpacks else node

    visit_List = visit_Tuple = visit_Set = visit_Dict = _charged_display

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(part, ast.Constant) for part in parts):
                self.error(node, "computed format specs are not allowed")
                return node
            reason = check_format_spec("".join(str(part.value) for part in parts))
            if reason:
                self.error(node, reason)
                return node
        node.value = _guard_call("_formatted_", self.visit(node.value))
        return node


def _guard_call(guard, node):
    call = ast.Call(ast.Name(guard, ast.Load()), [node], [])
    return ast.fix_missing_locations(ast.copy_location(call, node))


_check_size = check_size


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


_CONTAINER_BUILTINS = ("dict", "list", "set", "sorted", "tuple")


def _builtins(budget: Budget) -> dict:
    bounded = {name: budget.builtin(_BUILTINS[name]) for name in _CONTAINER_BUILTINS}
    return {**_BUILTINS, **bounded, "str": budget.to_str}


def _globals(data: dict) -> dict:
    budget = Budget()
    env = {
        "__builtins__": _builtins(budget),
        "_getattr_": budget.getattr,
        "_getitem_": budget.getitem,
        "_getiter_": budget.iterate,
        "_iter_unpack_sequence_": lambda it, spec, _gi: guarded_unpack_sequence(it, spec, _gi),
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_pow_": lambda left, right: budget.charge(_pow(left, right)),
        "_mul_": lambda left, right: budget.charge(_mul(left, right)),
        "_lshift_": _lshift,
        "_add_": lambda left, right: budget.charge(_add(left, right)),
        "_mod_": budget.percent,
        "_charge_": budget.charge,
        "_formatted_": budget.formatted,
        "_inplacevar_": lambda op, left, right: budget.charge(
            budget.percent(left, right) if op == "%=" else _inplacevar(op, left, right)
        ),
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
