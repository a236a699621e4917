"""The journey strip of the case page: each phase done, current, waiting or skipped, in
pathway order, with dates and durations, as text (not colour only)."""

import re

import pytest
from sqlalchemy import update

from models import Case, CaseStatus, db
from webapp import journey
from workflows import progress


def _stages(case) -> dict[str, journey.Stage]:
    marks = progress.case_progress(case)
    order = [p.process_id for p in progress.phases(progress.instance_of(case))]
    stages = journey.journey(case, order, marks, progress.phase_spans(case, marks))
    assert [s.process_id for s in stages] == order
    return {s.process_id: s for s in stages}


def test_a_new_case_is_in_its_rescue_and_waits_for_the_rest(open_case):
    stages = _stages(open_case())
    assert stages["rescue"].state == journey.CURRENT
    assert stages["rescue"].started_at is not None and stages["rescue"].duration is not None
    assert stages["closure"].state == journey.WAITING and not stages["closure"].timed
    assert stages["closure"].started_at is None


def test_phases_done_current_and_skipped(open_case):
    case = open_case(steps=6)
    stages = _stages(case)
    assert stages["rescue"].state == stages["temporary_aid"].state == journey.DONE
    assert stages["rescue"].finished_at >= stages["rescue"].started_at
    assert stages["rescue"].duration == stages["rescue"].finished_at - stages["rescue"].started_at
    assert stages["return_home"].state == journey.CURRENT
    order = list(stages)
    reached = max(i for i, pid in enumerate(order) if stages[pid].started_at)
    for pid in order[:reached]:
        if stages[pid].started_at is None:
            assert stages[pid].state == journey.SKIPPED, pid


def test_a_closed_case_skipped_what_it_never_reached(open_case):
    case = open_case(steps=2)
    db.session.execute(update(Case).where(Case.id == case.id).values(status=CaseStatus.CLOSED))
    db.session.commit()
    assert _stages(case)["closure"].state in (journey.SKIPPED, journey.CURRENT)
    assert _stages(case)["job_training"].state == journey.SKIPPED


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["Journey", "Done", "Current", "Waiting to begin", "took", "so far"]),
        ("zh", ["办理进程", "已完成", "进行中", "尚未开始", "用时", "至今已"]),
    ],
)
def test_the_strip_is_a_list_of_text_above_the_timeline(open_case, login, client, locale, words):
    case = open_case(steps=6)
    login("reviewer", locale)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    strip = html.split('<ol class="journey-strip">')[1].split("</ol>")[0]
    assert html.index("journey-strip") < html.index('id="timeline"')
    assert html.index("journey-strip") < html.index(f"/cases/{case.number}/diagram")
    assert 'aria-current="step"' in strip
    assert len(re.findall(r"<li class=\"stage stage-", strip)) == len(_stages(case))
    assert f'<h2 id="journey-title">{words[0]}</h2>' in html
    for word in words[1:]:
        assert word in strip, word
