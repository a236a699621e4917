"""Hostile text: control characters and names posted twice get a field error, never a 500."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from forms.base import as_formdata
from forms.examples import EXAMPLES
from forms.fields import CleanInput, NotesField
from forms.registry import FORMS
from models import Case, db

HOSTILE = ["Lin\x00Xiaomei", "Lin\x1bXiaomei", "Lin\x7fXiaomei", "Lin\x85Xiaomei", "a\x08b"]
SINGLE_FIELDS = [
    (key, name)
    for key, form in FORMS.items()
    for name, field in form()._fields.items()
    if isinstance(field, CleanInput)
]
TEXT_FIELDS = [
    (key, name)
    for key, name in SINGLE_FIELDS
    if type(FORMS[key]()._fields[name]).__name__ in ("ShortTextField", "NotesField")
]


def _shown(key: str, names) -> dict:
    """The answers that show these fields, for those shown only after an earlier answer."""
    rules = [FORMS[key].conditions.get(name) for name in names]
    return {rule.controller: rule.values[0] for rule in rules if rule}


def _form(key, **changes):
    data = as_formdata({**EXAMPLES[key], **_shown(key, changes), **changes})
    return FORMS[key](formdata=data)


@pytest.mark.parametrize(("key", "name"), TEXT_FIELDS)
@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_control_characters_in_any_text_field_are_a_field_error(app, key, name, text):
    with app.test_request_context(), force_locale("en"):
        form = _form(key, **{name: text})
        assert not form.validate()
        assert "Remove the invisible control characters from this text." in form.errors[name]
    with app.test_request_context(), force_locale("zh"):
        form = _form(key, **{name: text})
        form.validate()
        assert form.errors[name][-1] == "请删除这段文字中看不见的控制字符。"


def test_notes_keep_tabs_and_line_breaks(app):
    key, name = next(
        (k, n) for k, n in TEXT_FIELDS if isinstance(FORMS[k]()._fields[n], NotesField)
    )
    with app.test_request_context():
        form = _form(key, **{name: "第一行\r\n\tsecond line"})
        assert form.validate(), form.errors


@pytest.mark.parametrize(("key", "name"), SINGLE_FIELDS)
def test_a_single_answer_posted_twice_is_a_field_error(app, key, name):
    data = MultiDict(as_formdata({**EXAMPLES[key], **_shown(key, [name])}))
    values = data.getlist(name) or ["x"]
    data.setlist(name, [values[0], values[0]])
    with app.test_request_context(), force_locale("en"):
        form = FORMS[key](formdata=data)
        assert not form.validate()
        assert "This answer was sent twice; send it once." in form.errors[name]


def _posted(**changes) -> MultiDict:
    answers = {**EXAMPLES["case_open"], "victim_name": "Lin Xiaomei", **changes}
    return MultiDict(as_formdata(answers))


@pytest.mark.parametrize("name", ["Lin\x00Xiaomei", "\x00", "林\x1b小梅"])
def test_a_nul_in_the_victim_name_is_a_422_and_opens_nothing(name, login):
    response = login("police", "en").post("/cases/new", data=_posted(victim_name=name))
    assert response.status_code == 422
    assert "Remove the invisible control characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_victim_name_posted_twice_opens_nothing(login):
    data = _posted()
    data.add("victim_name", "Someone Else")
    response = login("police", "en").post("/cases/new", data=data)
    assert response.status_code == 422
    assert "This answer was sent twice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_nul_in_the_login_is_refused_without_a_500(client):
    response = client.post("/login", data={"username": "police\x00", "password": "x\x00"})
    assert response.status_code in (200, 400, 401, 422)
