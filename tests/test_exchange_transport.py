"""Posting to a peer: whatever a hostile or broken peer answers, the sender reads at most a
receipt's worth, within its time limit, and never fails on it."""

import json
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
    `peer.drip` seconds when set."""

    class Peer(BaseHTTPRequestHandler):
        answer, drip = (200, b""), 0

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            code, body = self.answer
            self.send_response(code)
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
    monkeypatch.setattr(transport, "TIMEOUT", 1)
    peer.answer, peer.drip = (201, json.dumps(RECEIPT).encode()), 0.2
    started = time.monotonic()
    reply = transport.http_post(peer.url, {"packet": {}})
    assert reply == transport.Reply(201, None)
    assert time.monotonic() - started < 3
