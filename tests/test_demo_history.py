"""The demo's bulk history: cases the evaluation counts, with no workflow, that casework never
lists, finds or opens (each would have nothing to show)."""

from sqlalchemy import select

from models import Case, CaseIndicator, ProcessInstance, db
from webapp import demo_cases


def _seed(users) -> tuple[Case, Case]:
    through_engine, bulk = demo_cases.seed_cases(3, users, sample=1)
    assert (through_engine, bulk) == (1, 2)
    db.session.commit()
    running = db.session.scalars(select(Case).join(ProcessInstance)).one()
    history = db.session.scalars(select(Case).where(Case.id != running.id)).all()
    assert len(history) == 2
    return running, history[0]


def test_bulk_history_counts_in_the_evaluation_but_is_not_casework(users, login, client):
    running, history = _seed(users)
    assert db.session.get(CaseIndicator, history.id) is not None  # counted
    login("reviewer", "en")
    listed = client.get("/cases/").get_data(as_text=True)
    assert running.number in listed and history.number not in listed
    assert client.get(f"/cases/{running.number}").status_code == 200
    for url in (f"/cases/{history.number}", f"/cases/{history.number}/summary.pdf"):
        assert client.get(url).status_code == 404, url


def test_the_cli_does_not_show_bulk_history(users, app):
    _, history = _seed(users)
    result = app.test_cli_runner().invoke(args=["cases", "show", history.number])
    assert result.exit_code != 0 and f"no case {history.number}" in result.output
