"""Every page a demo role can reach, rendered in Chinese, shows no English UI string.

The pages are the GET routes of `app.url_map` (HTML ones), their arguments filled with a demo
case, task, department and diagram. A page's visible text, its titles, labels and placeholders,
and the texts it hands to its scripts are compared with the catalogue: a text that is a msgid
whose Chinese msgstr differs is a string left untranslated.
"""

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from lxml import html
from sqlalchemy import select

from models import DEPARTMENTS, HumanTask, TaskStatus, db
from workflows.evaluation.pages import PAGES
from workflows.pathways import latest_version

CATALOGUE = Path(__file__).parents[1] / "webapp/translations/zh/LC_MESSAGES/messages.po"
ROLES = ["police", "civil_affairs", "police_head", "manager", "reviewer", "admin"]
# Not pages: APIs, files, assets, and the one-time links of outside organisations.
SKIPPED = re.compile(r"^/(api|static)/|\.(bpmn|json|csv|pdf|<fmt>)$|/documents/|^/r/|^/login")
# Proper nouns and codes that read the same in both languages.
PROPER_NOUNS = {"English", "ID", "PDF", "TOTP", "FHIR", "PIPL", "OpenAPI", "API", "DNA", "ISO-8601"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def _pattern(msgid: str) -> re.Pattern:
    """The msgid as a regex over one text: its placeholders stand for any text."""
    parts = re.split(r"(%\(\w+\)[sdr]|%[sd]|\{\w+\})", msgid)
    return re.compile(
        "".join(
            (r"\d+" if part.endswith("d") else ".+?")
            if i % 2
            else re.escape(re.sub(r"\s+", " ", part))
            for i, part in enumerate(parts)
        )
    )


def _untranslated() -> dict[str, re.Pattern]:
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    english = {}
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgid and msgstr and msgstr != msgid and msgid not in PROPER_NOUNS:
                english[msgid] = _pattern(msgid)
    for _, name_en, _ in DEPARTMENTS:  # department names are not in the catalogue
        english[name_en] = re.compile(re.escape(name_en))
    return english


ENGLISH = _untranslated()


def _texts(page: str) -> set[str]:
    """What a reader sees or hears of the page, and the texts its scripts will show."""
    tree = html.fromstring(page)
    texts = set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script":
            if element.get("type") == "application/json" and element.text:
                texts |= {v for v in json.loads(element.text).values() if isinstance(v, str)}
            continue
        # <code> holds identifiers (usernames, process ids) meant to be read as they are.
        if element.tag not in ("style", "code"):
            texts.add(element.text or "")
        texts.add(element.tail or "")
        texts |= {element.get(name, "") for name in ATTRIBUTES}
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            texts.add(element.get("value", ""))
    return {" ".join(t.split()) for t in texts} - {""}


# A code shown as it is stored (an audit action, an event type), not a word for the reader.
CODE = re.compile(r"[a-z]+(_[a-z]+)+")


def english_strings(page: str) -> set[str]:
    """The catalogue's English texts (and raw codes) that a page shows as they are."""
    found = set()
    for text in _texts(page):
        if CODE.fullmatch(text):
            found.add(text)
        for msgid, pattern in ENGLISH.items():
            if pattern.fullmatch(text) or (len(msgid.split()) >= 3 and pattern.search(text)):
                found.add(msgid)
    return found


def _nth(choices: list, i: int):
    return choices[min(i, len(choices) - 1)]


def _pages(app, case, task) -> list[str]:
    """Every page's URL; an argument without a demo row (a saved view, a hand-over) is 1: its
    "not found" page is a page too."""
    version = latest_version().id
    values = {
        "number": [case.number],
        "task_id": [task.id],
        "code": ["police"],
        "process_id": ["rescue"],
        "version_id": [version],
        "old_id": [version],
        "new_id": [version],
        "page": list(PAGES),
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or SKIPPED.search(rule.rule):
            continue
        for i in range(max((len(values.get(n, [1])) for n in rule.arguments), default=1)):
            args = {
                n: values.get(n, [1])[min(i, len(values.get(n, [1])) - 1)] for n in rule.arguments
            }
            with app.test_request_context():
                urls.append(rule.build(args)[1])
    return sorted(urls)


def test_the_scan_finds_an_english_string():
    assert "Inbox" in english_strings("<html><body><a href='/'>Inbox</a></body></html>")
    assert "Case opened" in english_strings("<p>Case opened</p>")
    assert "case_viewed" in english_strings("<td>case_viewed</td>")
    assert english_strings("<p>1 个案件</p><p>编辑 case</p>") == set()
    assert "%(num)d case" in english_strings("<p>1 case</p>")
    assert english_strings("<p>待办 · 公安厅</p>") == set()


def _ready_task(users, username) -> HumanTask:
    """A ready step of the user's own department if there is one (its form shows), else any."""
    ready = db.session.scalars(select(HumanTask).filter_by(status=TaskStatus.READY)).all()
    codes = users[username].department_codes()
    return next((t for t in ready if t.department.code in codes), ready[0])


@pytest.mark.parametrize("username", ROLES)
def test_every_page_reads_in_chinese(app, open_case, users, login, client, username):
    open_case("陈华", steps=12, age=9)
    case = open_case("林晓梅", steps=3)
    task = _ready_task(users, username)
    login(username, locale="zh")
    left = {}
    for url in _pages(app, case, task):
        response = client.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        if response.status_code in (301, 302, 303) or "html" not in response.content_type:
            continue
        found = english_strings(response.get_data(as_text=True))
        if found:
            left[url] = sorted(found)
    assert not left, "\n".join(f"{url}: {found}" for url, found in left.items())
