"""The demo reads as a Chinese deployment would: names, places and notes in Chinese."""

import pytest

from forms.examples import EXAMPLES
from forms.registry import get_form_class
from webapp.demo import CHINESE_ANSWERS, ORGANISATIONS


@pytest.mark.parametrize("key", sorted(CHINESE_ANSWERS))
def test_the_chinese_answers_are_valid_answers_of_their_form(key):
    form = get_form_class(key).from_data({**EXAMPLES[key], **CHINESE_ANSWERS[key]})
    assert form.validate(), form.errors
    assert all(EXAMPLES[key][name] != text for name, text in CHINESE_ANSWERS[key].items())


def test_every_english_place_and_note_of_the_examples_has_a_chinese_one():
    english = {
        (key, name)
        for key, answers in EXAMPLES.items()
        for name, value in answers.items()
        if isinstance(value, str)
        and " " in value
        and name.endswith(
            (
                "_notes",
                "_place",
                "_location",
                "_name",
                "_institution",
                "_unit",
                "_centre",
                "_authority",
                "_agency",
                "_destination",
                "_provider",
                "_views",
            )
        )
    }
    chinese = {(key, name) for key, answers in CHINESE_ANSWERS.items() for name in answers}
    assert english <= chinese, english - chinese


def test_the_directory_of_the_demo_is_chinese():
    assert all("\u4e00" <= name[0] <= "\u9fff" for name, _, _ in ORGANISATIONS)
    assert CHINESE_ANSWERS["case_open"]["report_location"] == "莆田市仙游县"
