"""Department and desk accounts are named in the reader's language, wherever a name shows."""

import pytest


@pytest.mark.parametrize(
    ("username", "locale", "shown"),
    [
        ("civil_affairs", "zh", "民政厅"),
        ("civil_affairs", "en", "Civil Affairs"),  # the name the account was given
        ("police_head", "zh", "公安厅负责人"),
        ("police_head", "en", "Police Head"),
        ("reviewer", "zh", "督查员"),
        ("manager", "en", "Manager"),
    ],
)
def test_the_header_names_the_account_in_the_users_language(login, client, username, locale, shown):
    login(username, locale=locale)
    page = client.get("/account").get_data(as_text=True)
    assert f'class="who" href="/account">{shown}</a>' in page


def test_a_person_keeps_the_name_they_were_given(login, client, colleague):
    login("police_colleague")
    assert 'class="who" href="/account">Officer Zhang</a>' in client.get("/").get_data(as_text=True)


def test_the_inbox_and_the_case_page_name_departments_in_chinese(login, client, open_case):
    case = open_case()
    login("police")
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "公安厅" in inbox and "Public Security" not in inbox
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "公安厅" in page and "Public Security" not in page
    login("police", locale="en")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Public Security" in page and "公安厅" not in page
