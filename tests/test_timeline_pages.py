"""The case page shows its timeline a page at a time, newest first, with links between pages."""

import re

import pytest
from sqlalchemy import func, select

from models import TimelineEvent, db
from webapp import casefile


@pytest.fixture
def one_per_page(monkeypatch):
    monkeypatch.setattr(casefile, "EVENTS_PER_PAGE", 1)


def _summaries(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<p class="summary">([^<]*)</p>', response.get_data(as_text=True))


def test_newest_first_and_older_on_the_next_page(open_case, login, client, one_per_page):
    number = open_case().number
    assert db.session.scalar(select(func.count()).select_from(TimelineEvent)) > 1
    login("police", locale="en")
    first = client.get(f"/cases/{number}")
    newest = _summaries(first)
    assert len(newest) == 1 and newest[-1] != "Case opened"
    html = first.get_data(as_text=True)
    assert "Older events" in html and "Newer events" not in html
    pages, page = [newest], 2
    while "Older events" in html:
        response = client.get(f"/cases/{number}?page={page}")
        html = response.get_data(as_text=True)
        pages.append(_summaries(response))
        page += 1
    assert pages[-1][-1] == "Case opened"  # the oldest event ends the last page
    assert "Newer events" in html
    events = db.session.scalar(select(func.count()).select_from(TimelineEvent))
    assert sum(map(len, pages)) == events  # every event on exactly one page


def test_page_links_are_translated(open_case, login, client, one_per_page):
    number = open_case().number
    login("police", locale="zh")
    html = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "较早的记录" in html


@pytest.mark.parametrize("page", ["-5", "0", "abc", "99999"])
def test_a_hostile_page_number_is_no_error(open_case, login, client, page, one_per_page):
    number = open_case().number
    login("police", locale="en")
    response = client.get(f"/cases/{number}?page={page}")
    assert response.status_code == 200
