"""The table of keyed digests each case is found by, kept in step with the case's answers."""

from sqlalchemy import delete

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
    db.session.add_all(CaseIdentifier(case_id=case.id, kind=k, digest=d) for k, d in keys)
    db.session.flush()
