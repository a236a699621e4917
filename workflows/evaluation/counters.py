"""Adding to roll-up rows in one statement, safe when two transactions add to the same row."""

from collections import Counter
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from models import db


def bump(model, keys: dict, **amounts: int) -> None:
    """Add `amounts` to the row of `model` with primary key `keys` (created at zero)."""
    bump_rows(model, [(keys, amounts)])


def bump_rows(model, changes) -> None:
    """Add each (keys, amounts) of `changes` to its row of `model`, in one execute.

    Every change names the same key columns. Amounts for the same keys are summed first (a
    statement may touch a row only once); a row whose amounts all sum to zero is left alone.
    """
    totals: dict[tuple, Counter] = {}
    names: dict[str, None] = {}
    for keys, amounts in changes:
        totals.setdefault(tuple(keys.items()), Counter()).update(amounts)
        names.update(dict.fromkeys(amounts))
    rows = [
        {**dict(keys), **{name: sums[name] for name in names}}
        for keys, sums in totals.items()
        if any(sums.values())
    ]
    if rows:
        keys = tuple(key for key, _ in next(iter(totals)))
        dialect = db.session.get_bind().dialect.name
        db.session.execute(_upsert(dialect, model, keys, tuple(names)), rows)


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
