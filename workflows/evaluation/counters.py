"""Adding to roll-up rows in one statement, safe when two transactions add to the same row;
or, inside `batched()` (bulk loads), summed in memory and written once at the end."""

import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from models import db

_local = threading.local()  # a bulk load in one thread never holds another's bumps
CHUNK = 5000  # rows per statement when a bulk load writes its sums


def _batches() -> list:
    if not hasattr(_local, "batches"):
        _local.batches = []
    return _local.batches


def bump(model, keys: dict, **amounts: int) -> None:
    """Add `amounts` to the row of `model` with primary key `keys` (created at zero)."""
    bump_rows(model, [(keys, amounts)])


def bump_rows(model, changes) -> None:
    """Add each (keys, amounts) of `changes` to its row of `model`, in one execute.

    Every change names the same key columns. Amounts for the same keys are summed first (a
    statement may touch a row only once); a row whose amounts all sum to zero is left alone.
    """
    if _batches():
        sums = _batches()[-1][model]
        for keys, amounts in changes:
            sums[tuple(sorted(keys.items()))].update(amounts)
        return
    totals: dict[tuple, Counter] = {}
    for keys, amounts in changes:
        totals.setdefault(tuple(sorted(keys.items())), Counter()).update(amounts)
    _write(model, totals)


def _write(model, totals: dict[tuple, Counter]) -> None:
    """Add the sums to their rows, tables and rows always in the same order, so that two steps
    writing shared rows (every region's, the month's) wait for each other, never deadlock."""
    names = tuple(sorted({name for sums in totals.values() for name in sums}))
    rows = [
        {**dict(keys), **{name: sums[name] for name in names}}
        for keys, sums in sorted(totals.items(), key=lambda item: repr(item[0]))
        if any(sums.values())
    ]
    if not rows:
        return
    keys = tuple(key for key, _ in next(iter(totals)))
    statement = _upsert(db.session.get_bind().dialect.name, model, keys, names)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(statement, rows[start : start + CHUNK])


@cache
def _upsert(dialect: str, model, keys: tuple, amounts: tuple):
    """The add-to-row statement for one shape of change, built once (so compiled once)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table).values({name: bindparam(name) for name in keys + amounts})
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in amounts},
    )


@contextmanager
def batched():
    """Sum every bump inside in memory; write each roll-up in few statements on exit."""
    _batches().append(defaultdict(lambda: defaultdict(Counter)))
    try:
        yield
        sums = _batches()[-1]
    finally:
        _batches().pop()
    for model in sorted(sums, key=lambda model: model.__tablename__):
        _write(model, sums[model])
