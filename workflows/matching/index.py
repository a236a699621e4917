"""The table of keyed digests each case is found by, kept in step with the case's answers."""

from sqlalchemy import delete, func, or_, select

from models import Case, CaseIdentifier, db
from models.crypto import keyring

from .identity import case_identity
from .keys import Digester


def digester() -> Digester:
    """Digests under the current data key's index key."""
    return Digester(keyring().current.index_key)


def digesters() -> list[Digester]:
    """Digests under every configured key, the current one first."""
    return [Digester(key.index_key) for key in keyring().keys]


def index_case(case: Case) -> None:
    """Replace the case's identifiers with those its name and answers now give (flushes)."""
    db.session.execute(delete(CaseIdentifier).where(CaseIdentifier.case_id == case.id))
    keys = digester().identifiers(case_identity(case))
    key_id = keyring().current.id
    db.session.add_all(
        CaseIdentifier(case_id=case.id, kind=k, digest=d, key_id=key_id) for k, d in keys
    )
    db.session.flush()


def _stale():
    current = keyring().current.id
    return or_(CaseIdentifier.key_id.is_(None), CaseIdentifier.key_id != current)


def cases_to_reindex() -> int:
    """How many cases have digests not made under the current key."""
    query = select(func.count(func.distinct(CaseIdentifier.case_id))).where(_stale())
    return db.session.scalar(query)


def reindex_batch(size: int = 200) -> int:
    """Re-index up to `size` of those cases under the current key (each case row locked while
    it is re-indexed); returns how many. Every configured key must still be there, since the
    answers are read back to be digested again."""
    query = select(CaseIdentifier.case_id).where(_stale()).distinct()
    ids = db.session.scalars(query.order_by(CaseIdentifier.case_id).limit(size)).all()
    for case_id in ids:
        index_case(db.session.get(Case, case_id, with_for_update=True))
    return len(ids)
