"""Deployment keys and packet signatures: what one province signs, only its key verifies."""

import base64

import pytest

from exchange.signing import (
    KeyInvalid,
    new_signing_key,
    public_key,
    sign,
    signing_key,
    verify,
)

PACKET = {"packetId": "7f1c", "caseNumber": "HC-2026-ABC234", "prs_Nationality": "CN", "名": "李"}


@pytest.fixture
def fujian():
    return signing_key(new_signing_key())


def test_a_signed_packet_verifies_with_the_senders_public_key(fujian):
    assert verify(public_key(fujian), PACKET, sign(fujian, PACKET))


def test_key_order_does_not_matter_but_every_value_does(fujian):
    signature = sign(fujian, PACKET)
    assert verify(public_key(fujian), dict(reversed(PACKET.items())), signature)
    assert not verify(public_key(fujian), PACKET | {"caseNumber": "HC-2026-XYZ789"}, signature)
    assert not verify(public_key(fujian), PACKET | {"extra": None}, signature)


def test_another_provinces_key_does_not_verify(fujian):
    sichuan = signing_key(new_signing_key())
    assert not verify(public_key(sichuan), PACKET, sign(fujian, PACKET))


@pytest.mark.parametrize("signature", ["", "not base64!", base64.b64encode(b"x" * 64).decode()])
def test_malformed_signatures_are_false_not_errors(fujian, signature):
    assert not verify(public_key(fujian), PACKET, signature)


BAD_KEYS = ["", "c2hvcnQ=", "not base64!", base64.b64encode(b"k" * 33).decode()]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_malformed_public_key_verifies_nothing(fujian, key):
    assert not verify(key, PACKET, sign(fujian, PACKET))


def test_the_key_comes_from_a_file_or_text(tmp_path):
    text = new_signing_key()
    path = tmp_path / "signing.key"
    path.write_text(text + "\n")
    assert public_key(signing_key(file=str(path))) == public_key(signing_key(text))
    assert signing_key() is None
    with pytest.raises(KeyInvalid):
        signing_key("c2hvcnQ=")


def test_the_command_prints_the_province_and_its_public_key(app, monkeypatch):
    key = new_signing_key()
    monkeypatch.setitem(app.config, "SIGNING_KEY", key)
    result = app.test_cli_runner().invoke(args=["exchange", "public-key"])
    assert result.output.split() == [app.config["HOME_PROVINCE"], public_key(signing_key(key))]
    monkeypatch.setitem(app.config, "SIGNING_KEY", None)
    assert app.test_cli_runner().invoke(args=["exchange", "public-key"]).exit_code == 1
    assert signing_key(app.test_cli_runner().invoke(args=["exchange", "generate-key"]).output)
