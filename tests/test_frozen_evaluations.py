"""Frozen evaluations: computed once, hashed, unchanged by new cases, exported readably."""

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete, select

from models import Evaluation, db
from workflows.evaluation.frozen import figures_of, verifies


@pytest.fixture(autouse=True)
def no_evaluations():
    """Evaluations are immutable rows: the test's are removed below the ORM."""
    yield
    db.session.rollback()
    db.session.execute(delete(Evaluation.__table__))
    db.session.commit()


def this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def create(client, title="2026 mid-term") -> Evaluation:
    month = this_month()
    response = client.post(
        "/evaluation/frozen/", data={"title": title, "kind": "staged", "start": month, "end": month}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Evaluation).order_by(Evaluation.id.desc())).first()


@pytest.fixture
def twelve_cases(open_case):
    """Twelve women and girls (more than k), one of them a boy's case."""
    for number in range(11):
        open_case(f"Victim {number}", age=14 + number)
    open_case("Chen Hua", age=9, sex="male")


def test_an_evaluation_does_not_change_after_new_cases_and_its_hash_verifies(
    twelve_cases, login, open_case, audits
):
    client = login("joint_office", locale="en")
    evaluation = create(client)
    before = evaluation.figures
    assert figures_of(evaluation)["victims"]["breakdowns"]["total"] == {"cases": 12}
    open_case("Wang Fang", age=19)
    db.session.expire_all()
    stored = db.session.get(Evaluation, evaluation.id)
    assert stored.figures == before and verifies(stored)
    assert audits("evaluation_created") == 1
    html = client.get(f"/evaluation/frozen/{evaluation.id}").get_data(as_text=True)
    assert "The figures match their hash." in html
    # One boy among twelve: "<11", and the girls' count hidden too ("*"): 12 - 11 would tell.
    assert '<th scope="row">Male</th><td>&lt;11</td>' in html
    assert '<th scope="row">Female</th><td>*</td>' in html
    assert f'<th scope="row">{this_month()}</th><td>12</td><td>0</td>' in html


def test_an_evaluation_cannot_be_edited(twelve_cases, login):
    evaluation = create(login("joint_office"))
    evaluation.title = "changed"
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()


def test_a_tampered_evaluation_fails_its_hash(twelve_cases, login):
    evaluation = create(login("joint_office"))
    db.session.execute(
        Evaluation.__table__.update().values(figures=evaluation.figures.replace("12", "13"))
    )
    db.session.commit()
    db.session.expire_all()
    assert not verifies(db.session.get(Evaluation, evaluation.id))


@pytest.mark.parametrize(
    ("locale", "female", "sheet"), [("en", "Female", "Victims"), ("zh", "女", "受害人")]
)
def test_the_xlsx_and_pdf_hold_the_page_figures_suppressed(
    twelve_cases, login, audits, locale, female, sheet
):
    client = login("joint_office", locale=locale)
    evaluation = create(client)
    xlsx = client.get(f"/evaluation/frozen/{evaluation.id}.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = [tuple(v for v in r if v is not None) for r in book[sheet].iter_rows(values_only=True)]
    assert (female, "*") in rows
    assert (this_month(), 12, 0) in rows
    numbers = [v for r in rows for v in r if isinstance(v, int)]
    assert not [n for n in numbers if 0 < n < 11]
    pdf = client.get(f"/evaluation/frozen/{evaluation.id}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert evaluation.content_hash in text
    assert female in text and "<11" in text
    csv = client.get(f"/evaluation/frozen/{evaluation.id}.csv").data.decode("utf-8-sig")
    assert f"{female},{'Victims' if locale == 'en' else '受害人'},*" in csv
    assert audits("evaluation_exported") == 3


def test_two_evaluations_side_by_side(twelve_cases, login):
    client = login("joint_office", locale="en")
    a, b = create(client, "2026 mid-term"), create(client, "2026 final")
    html = client.get(f"/evaluation/frozen/compare?a={a.id}&b={b.id}").get_data(as_text=True)
    assert "2026 mid-term" in html and "2026 final" in html
    listing = client.get("/evaluation/frozen/").get_data(as_text=True)
    newest_first = listing.index(f'data-evaluation="{b.id}"') < listing.index(
        f'data-evaluation="{a.id}"'
    )
    assert newest_first


def test_only_the_joint_office_freezes(twelve_cases, login, audits):
    month = this_month()
    data = {"title": "x", "kind": "final", "start": month, "end": month}
    assert login("reviewer").post("/evaluation/frozen/", data=data).status_code == 403
    assert login("police").get("/evaluation/frozen/").status_code == 403
    assert audits("evaluation_create_refused", allowed=False) == 1
    bad = {**data, "kind": "forever"}
    assert login("joint_office").post("/evaluation/frozen/", data=bad).status_code == 422


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", "The period ends before it starts: nothing was frozen."),
        ("zh", "期间的结束早于开始：未冻结任何内容。"),  # noqa: RUF001
    ],
)
def test_a_period_ending_before_it_starts_is_the_form_again_saying_so(
    twelve_cases, login, locale, words
):
    client = login("joint_office", locale)
    data = {"title": "2026 mid-term", "kind": "final", "start": "2026-06", "end": "2026-01"}
    answer = client.post("/evaluation/frozen/", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and words in page
    assert 'value="2026 mid-term"' in page and 'value="2026-06"' in page  # nothing typed is lost
    typo = client.post("/evaluation/frozen/", data={**data, "start": "2026-13"})
    assert typo.status_code == 422
    assert db.session.scalars(select(Evaluation)).all() == []
