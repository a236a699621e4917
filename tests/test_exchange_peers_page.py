"""The admin's page of peer provinces: list, add (a bad key is the field's error), disable."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from exchange.signing import new_signing_key, public_key, signing_key
from models import DeliveryStatus, OutgoingAnswer, PeerProvince, db

YUNNAN = public_key(signing_key(new_signing_key()))


@pytest.fixture(autouse=True)
def no_peers():
    yield
    db.session.rollback()
    db.session.execute(delete(OutgoingAnswer))
    db.session.execute(delete(PeerProvince))
    db.session.commit()


def _add(client, **changes):
    data = {
        "code": "yunnan",
        "name": "Yunnan civil affairs",
        "api_url": "https://homecoming.yunnan.example.cn",
        "public_key": YUNNAN,
    } | changes
    return client.post("/admin/peers", data=data)


def test_an_admin_adds_lists_and_disables_a_peer(client, login, audits):
    login("admin", locale="en")
    assert "No peer province registered." in client.get("/admin/peers").get_data(as_text=True)
    assert _add(client).status_code == 303
    page = client.get("/admin/peers").get_data(as_text=True)
    assert "Yunnan civil affairs" in page and YUNNAN in page and "enabled" in page
    assert audits("peer_set") == 1
    disabled = client.post("/admin/peers/yunnan/disable", follow_redirects=True)
    assert "Peer province yunnan disabled: nothing is sent to it or taken from it." in (
        disabled.get_data(as_text=True)
    )
    db.session.rollback()
    assert db.session.scalar(select(PeerProvince)).enabled is False
    assert audits("peer_disabled") == 1
    assert "Enable" in client.get("/admin/peers").get_data(as_text=True)
    assert client.post("/admin/peers/tibet/disable").status_code == 404


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"public_key": "bm90IGEga2V5"}, "A public key is base64 of 32 bytes."),
        ({"public_key": "%%%"}, "A public key is base64 of 32 bytes."),
        *(
            ({"api_url": url}, "An API address is an http:// or https:// URL: a host name")
            for url in (
                "ftp://yunnan.example.cn",
                "http://yunnan..example.cn",  # an empty label
                "http://[::1",
                "http://yunnan.example.cn:99999",
                "http://yunnan.example.cn/api?x=1",
                "https://admin:secret@yunnan.example.cn",
            )
        ),
        ({"code": "Yun Nan"}, "Lower-case letters and _ only"),
        ({"code": ""}, "This field is required."),
    ],
)
def test_a_bad_peer_is_a_field_error(client, login, changes, error):
    login("admin", locale="en")
    answer = _add(client, **changes)
    assert answer.status_code == 422
    assert error in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(PeerProvince)) is None


def test_the_bad_key_error_is_in_chinese_too(client, login):
    login("admin")
    answer = _add(client, public_key="bm90IGEga2V5")
    assert answer.status_code == 422 and "公钥" in answer.get_data(as_text=True)


def test_the_bad_address_error_is_in_chinese_too(client, login):
    login("admin")
    answer = _add(client, api_url="http://yunnan.example.cn:80a")
    assert answer.status_code == 422 and "接口地址是 http:// 或 https:// 网址" in answer.get_data(
        as_text=True
    )


def _answer(number: int, receiver: str = "yunnan", **columns) -> OutgoingAnswer:
    packet = {"packetId": f"packet-{number}", "hcd_Action": "refused"}
    return OutgoingAnswer(
        packet_id=packet["packetId"], receiver=receiver, packet=packet, signature="s", **columns
    )


@pytest.mark.parametrize(
    ("locale", "counts", "tried", "nothing"),
    [
        ("en", "Hand-overs: 0, answers: 2", "Last tried ", "nothing"),
        (None, "交接材料：0 份，答复：2 份", "最后一次尝试于 ", "无"),  # noqa: RUF001
    ],
)
def test_the_admin_sees_what_waits_for_each_peer_and_why(
    client, login, locale, counts, tried, nothing
):
    """A peer down or refusing what it is sent shows on the peers page: what waits for it,
    and the last attempt's error; a delivered message no longer counts."""
    login("admin", locale=locale)
    _add(client)
    _add(client, code="sichuan", name="Sichuan civil affairs")
    now = datetime.now(UTC)
    db.session.add_all(
        [
            _answer(
                1, last_attempt_at=now - timedelta(hours=1), last_error="ConnectionRefusedError"
            ),
            _answer(2, last_attempt_at=now, last_error="HTTP 422: packet refused: UnknownSender"),
            _answer(3, status=DeliveryStatus.DELIVERED),
            _answer(4, receiver="sichuan", status=DeliveryStatus.DELIVERED),
        ]
    )
    db.session.commit()
    page = client.get("/admin/peers").get_data(as_text=True)
    (yunnan,) = re.findall(r'<tr data-peer="yunnan">.*?</tr>', page, re.S)
    assert counts in yunnan and tried in yunnan
    assert "HTTP 422: packet refused: UnknownSender" in yunnan
    assert "ConnectionRefusedError" not in yunnan  # the last attempt's error only
    (sichuan,) = re.findall(r'<tr data-peer="sichuan">.*?</tr>', page, re.S)
    assert f'<td class="backlog">{nothing}</td>' in sichuan


@pytest.mark.parametrize("username", ["civil_affairs", "manager"])
def test_only_admins_manage_peers(client, login, audits, username):
    login(username)
    assert client.get("/admin/peers").status_code == 403
    assert _add(client).status_code == 403
    assert audits("admin_page_refused", allowed=False) == 2
