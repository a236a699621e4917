"""Posting to a peer: whatever a hostile or broken peer answers, the sender reads at most a
receipt's worth, within its time limit, and never fails on it."""

import http.client
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from exchange import transport

RECEIPT = {"packetId": "p-1", "status": "received"}


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


ANSWERS = {
    "receipt": (201, json.dumps(RECEIPT).encode(), RECEIPT),
    "error with receipt": (410, json.dumps(RECEIPT).encode(), RECEIPT),
    "html page": (200, b"<html><body>Welcome to the hotel network</body></html>", None),
    "not utf-8": (200, b'{"packetId": "\xff\xfe"}', None),
    "a list": (200, b"[1, 2, 3]", None),
    "too large": (200, b'{"pad": "' + b"x" * 100_000 + b'"}', None),  # cut at 4 kB
    "nested deep": (200, _nested(3_000), None),  # cut at 4 kB: not JSON
    "no body": (502, b"", None),
    "redirect": (302, b"x" * 100_000, None),  # not followed, its body cut at 4 kB
}


@pytest.fixture
def peer():
    """A local server answering each POST with `peer.answer` = (code, body), a byte every
    `peer.drip` seconds when set, after `peer.slow_headers` headers 0.2 s apart."""

    class Peer(BaseHTTPRequestHandler):
        answer, drip, slow_headers = (200, b""), 0, 0

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            code, body = self.answer
            self.send_response(code)
            for n in range(self.slow_headers):  # each in time for a read, never the last
                self.send_header(f"X-Wait-{n}", "1")
                self.flush_headers()
                time.sleep(0.2)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not self.drip:
                self.wfile.write(body)
                return
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.drip)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Peer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Peer.url = f"http://127.0.0.1:{server.server_port}/api/v1/handovers"
    yield Peer
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", ANSWERS)
def test_any_answer_is_read_as_a_status_and_a_receipt_or_none(peer, name):
    code, body, expected = ANSWERS[name]
    peer.answer = (code, body)
    assert transport.http_post(peer.url, {"packet": {}}) == transport.Reply(code, expected)


def test_a_peer_dripping_its_answer_is_cut_short_at_the_time_limit(peer, monkeypatch):
    """Each byte comes within the read timeout, but the whole body may not take longer."""
    monkeypatch.setattr(transport, "DEADLINE", 1)
    peer.answer, peer.drip = (201, json.dumps(RECEIPT).encode()), 0.2
    started = time.monotonic()
    reply = transport.http_post(peer.url, {"packet": {}})
    assert reply == transport.Reply(201, None)
    assert time.monotonic() - started < 3


def test_a_peer_dripping_its_headers_is_cut_off_at_the_time_limit(peer, monkeypatch):
    """A header every 0.2 s for a minute: the sender stops listening after its deadline (the
    answer is an error or a status without a receipt, never a wait of a minute)."""
    monkeypatch.setattr(transport, "DEADLINE", 1)
    peer.answer, peer.slow_headers = (201, json.dumps(RECEIPT).encode()), 300
    started = time.monotonic()
    try:
        reply = transport.http_post(peer.url, {"packet": {}})
    except (OSError, http.client.HTTPException):
        reply = None
    assert reply in (None, transport.Reply(201, None))
    assert time.monotonic() - started < 3


def test_a_peer_that_takes_the_message_and_never_answers_is_cut_off(monkeypatch):
    monkeypatch.setattr(transport, "DEADLINE", 1)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/v1/handovers"
        started = time.monotonic()
        with pytest.raises((OSError, http.client.HTTPException)):
            transport.http_post(url, {"packet": {"pad": "x" * 1_000_000}})
        assert time.monotonic() - started < 3
