"""Adding to a roll-up row in one statement, safe when two transactions add to the same row;
or, inside `batched()` (bulk loads), summed in memory and written once at the end."""

import threading
from collections import defaultdict
from contextlib import contextmanager

from sqlalchemy.dialects import postgresql, sqlite

from models import db

_local = threading.local()  # a bulk load in one thread never holds another's bumps


def _batches() -> list:
    if not hasattr(_local, "batches"):
        _local.batches = []
    return _local.batches


def bump(model, keys: dict, **amounts: int) -> None:
    """Add `amounts` to the row of `model` with primary key `keys` (created at zero)."""
    if _batches():
        sums = _batches()[-1][model][tuple(sorted(keys.items()))]
        for name, amount in amounts.items():
            sums[name] += amount
        return
    _upsert(model, [{**keys, **amounts}], list(amounts))


def _upsert(model, rows: list[dict], names: list[str]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model)
    columns = model.__table__.c
    keys = [c.name for c in model.__table__.primary_key]
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: columns[name] + statement.excluded[name] for name in names},
    )
    db.session.execute(statement, rows)


@contextmanager
def batched():
    """Sum every bump inside in memory; write each roll-up in one statement on exit."""
    _batches().append(defaultdict(lambda: defaultdict(lambda: defaultdict(int))))
    try:
        yield
        sums = _batches()[-1]
    finally:
        _batches().pop()
    for model, rows in sums.items():
        names = sorted({name for amounts in rows.values() for name in amounts})
        full = [{**dict(k), **{n: amounts.get(n, 0) for n in names}} for k, amounts in rows.items()]
        for start in range(0, len(full), 5000):
            _upsert(model, full[start : start + 5000], names)
