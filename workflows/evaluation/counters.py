"""Adding to a roll-up row in one statement, safe when two transactions add to the same row."""

from sqlalchemy.dialects import postgresql, sqlite

from models import db


def bump(model, keys: dict, **amounts: int) -> None:
    """Add `amounts` to the row of `model` with primary key `keys` (created at zero)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**keys, **amounts)
    columns = model.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: columns[name] + statement.excluded[name] for name in amounts},
    )
    db.session.execute(statement)
