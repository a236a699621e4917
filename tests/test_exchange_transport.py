"""Posting to a peer: whatever a hostile or broken peer answers, the sender reads at most a
receipt's worth, within its time limit, and never fails on it."""

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


@pytest.mark.parametrize(
    ("drip", "slow_headers"), [(0.2, 0), (0, 300)], ids=["body byte by byte", "headers"]
)
def test_a_peer_dripping_its_answer_is_cut_off_at_the_deadline(
    peer, monkeypatch, drip, slow_headers
):
    """Each byte or header comes in time for a read, but the whole answer does not come in
    time: the sender stops waiting at its deadline (and the connection is cut)."""
    monkeypatch.setattr(transport, "DEADLINE", 1)
    peer.answer = (201, json.dumps(RECEIPT).encode())
    peer.drip, peer.slow_headers = drip, slow_headers
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        transport.http_post(peer.url, {"packet": {}})
    assert time.monotonic() - started < 2


def test_a_peer_that_takes_the_message_and_never_answers_is_cut_off(monkeypatch):
    monkeypatch.setattr(transport, "DEADLINE", 1)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/v1/handovers"
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            transport.http_post(url, {"packet": {"pad": "x" * 1_000_000}})
        assert time.monotonic() - started < 2


def test_a_name_that_takes_long_to_resolve_is_cut_off(monkeypatch):
    """The deadline counts from the call: a resolver that hangs (here, one that answers
    after 5 s) costs the sender its deadline, not the resolver's time."""
    monkeypatch.setattr(transport, "DEADLINE", 1)

    def slow_resolver(*args, **kwargs):
        time.sleep(5)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        transport.http_post("http://sichuan.test/api/v1/handovers", {"packet": {}})
    assert time.monotonic() - started < 2


def test_a_peer_at_an_ipv6_address_without_a_port_is_reached():
    """A peer at an IPv6 literal is reached (given bare to a connection, ::1 would be split at
    its last colon into host and port); without a port, it is port 80."""
    with socket.create_server(("::1", 0), family=socket.AF_INET6) as server:
        port = server.getsockname()[1]
        threading.Thread(target=_answer_once, args=(server,), daemon=True).start()
        reply = transport.http_post(f"http://[::1]:{port}/api/v1/handovers", {"packet": {}})
    assert reply == transport.Reply(201, RECEIPT)
    assert transport.address("http://[::1]/api/v1/handovers").port == 80


def _answer_once(server: socket.socket) -> None:
    connection, _ = server.accept()
    with connection:
        connection.recv(65536)
        body = json.dumps(RECEIPT).encode()
        head = f"HTTP/1.1 201 Created\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        connection.sendall(head.encode() + body)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://yunnan.test/api",
        "http:///api",
        "http://yunnan.test:80a/api",
        "http://yunnan.test:99999/api",
        "http://yunnan..test/api",
        "http://" + "a" * 64 + ".test/api",
        "http://[::1/api",
        "http://yunnan.test/caf\u00e9",
        "http://yunnan.test/a b",
        "http://yunnan.test/api?x=1",
        "http://yunnan.test/api#top",
        "http://someone:secret@yunnan.test/api",
        "http://yun nan.test/api",
        "http://yun\x01nan.test/api",
        "http://yunnan%2etest/api",
        "http://yunnan.test:0/api",
    ],
)
def test_an_address_no_connection_can_use_is_a_value_error(url):
    with pytest.raises(ValueError):
        transport.address(url)
    with pytest.raises(ValueError):
        transport.http_post(url + "/handovers", {"packet": {}})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://yunnan.gov.cn/homecoming", (True, "yunnan.gov.cn", 443, "/homecoming")),
        ("http://10.0.0.7:8080", (False, "10.0.0.7", 8080, "")),
        ("https://[2001:db8::7]", (True, "2001:db8::7", 443, "")),
        ("http://云南.test/api", (False, "云南.test", 80, "/api")),
    ],
)
def test_an_address_in_its_parts(url, expected):
    assert transport.address(url) == expected
