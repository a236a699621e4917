"""Posting signed messages to peer deployments: where each kind goes, and the HTTP call."""

import contextlib
import http.client
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable
from typing import NamedTuple

from models import OutgoingAnswer, OutgoingHandover

# Seconds the caller waits for a peer, all told: resolving its name, connecting, handing it
# the message, its answer. A withdrawal asks the peer during a request: well within
# gunicorn's 30 s.
DEADLINE = 15
ANSWER_BYTES = 4096  # a receipt is ~250 bytes: more is not read
# Where on the peer's API each kind of message goes.
PATHS = {OutgoingHandover: "/api/v1/handovers", OutgoingAnswer: "/api/v1/handovers/answers"}
# What a peer answers to a packet its sender withdrew (before it came, or a withdrawal whose
# answer was lost): the packet is withdrawn at both ends.
WITHDRAWN_THERE = 410


class Reply(NamedTuple):
    """A peer's HTTP answer: its status and its JSON body (None if it sent none)."""

    status: int
    body: dict | None


class Address(NamedTuple):
    """A peer's API address, checked: scheme, host, port and path."""

    https: bool
    host: str
    port: int
    path: str


# post(url, body) -> Reply; raises OSError when the peer cannot be reached.
Post = Callable[[str, dict], Reply]


def address(url: str) -> Address:
    """The parts of an http(s) URL with a host a connection can use, a port (80 or 443 if it
    names none) and an ASCII path, no query, fragment or user; ValueError for anything else."""
    parts = urllib.parse.urlsplit(url)  # ValueError: a broken IPv6 literal
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http(s) URL with a host")
    if parts.query or parts.fragment or parts.username is not None:
        raise ValueError("no query, fragment or user name")
    for part in (parts.hostname, parts.path):
        if not part.isprintable() or any(c.isspace() or c == "%" for c in part):
            raise ValueError("a host and path without spaces, control characters or %")
    parts.hostname.encode("idna")  # UnicodeError (a ValueError): an empty or too long label
    if not parts.path.isascii():
        raise ValueError("a path of ASCII characters")
    port = parts.port  # ValueError: not a number from 0 to 65535
    if port == 0:
        raise ValueError("a port from 1 to 65535")
    default = 443 if parts.scheme == "https" else 80
    return Address(parts.scheme == "https", parts.hostname, port or default, parts.path)


def http_post(url: str, body: dict) -> Reply:
    """POST JSON to a peer; its answer, whatever its status (a redirect is not followed: a
    peer's API does not move). TimeoutError if it has not answered within DEADLINE seconds,
    however it spends them; ValueError for an address no connection can use."""
    exchange = _Exchange(address(url), json.dumps(body).encode())
    exchange.start()
    exchange.join(DEADLINE)
    return exchange.outcome()


class _Exchange(threading.Thread):
    """One POST on a thread of its own, so that its caller waits DEADLINE seconds at most,
    whatever the peer, or its name's resolution, does; then the connection is cut (or, still
    being made, dropped as soon as it is) and the thread ends."""

    def __init__(self, peer: Address, payload: bytes):
        super().__init__(daemon=True)
        self.peer, self.payload = peer, payload
        self.lock, self.sock, self.cut = threading.Lock(), None, False
        self.reply, self.error = None, None

    def run(self) -> None:
        peer = self.peer
        kind = http.client.HTTPSConnection if peer.https else http.client.HTTPConnection
        connection = None
        try:
            connection = kind(peer.host, peer.port, timeout=DEADLINE)
            connection.connect()
            with self.lock:  # the socket itself: the connection drops it once headers are in
                if self.cut:
                    return
                self.sock = connection.sock
            headers = {"Content-Type": "application/json"}
            connection.request("POST", peer.path or "/", self.payload, headers)
            response = connection.getresponse()
            self.reply = Reply(response.status, _json(response.read(ANSWER_BYTES)))
        except Exception as error:  # raised to the caller, as a future would
            self.error = error
        finally:
            if connection is not None:
                connection.close()

    def outcome(self) -> Reply:
        """The peer's reply; its error; TimeoutError (and the connection cut) if none came."""
        with self.lock:
            if self.is_alive():
                self.cut = True
                if self.sock is not None:
                    with contextlib.suppress(OSError):  # closed meanwhile
                        self.sock.shutdown(socket.SHUT_RDWR)
                raise TimeoutError(f"no answer within {DEADLINE} s")
        if self.reply is None:  # the thread ended without a word: an error of its own
            raise self.error or http.client.HTTPException("the exchange ended without an answer")
        return self.reply


def _json(raw: bytes) -> dict | None:
    try:
        answer = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, cut short, nested too deep
        return None
    return answer if isinstance(answer, dict) else None
