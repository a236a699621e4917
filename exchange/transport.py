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

DEADLINE = 10  # seconds a peer has to connect, and then to take the message and answer it
# (both within gunicorn's 30 s, since a withdrawal asks the peer during a request)
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


# post(url, body) -> Reply; raises OSError when the peer cannot be reached.
Post = Callable[[str, dict], Reply]


def http_post(url: str, body: dict) -> Reply:
    """POST JSON to a peer; its answer, whatever its status (a redirect is not followed: a
    peer's API does not move). However slowly the peer answers, in its status line, headers or
    body, the connection is cut DEADLINE seconds after it was made: what came by then is the
    answer (a receipt cut short is none)."""
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        connection.connect()
        # The socket itself: the connection lets go of it once the answer's headers are in.
        cut = threading.Timer(DEADLINE, _shut, (connection.sock,))
        cut.start()
        try:
            headers = {"Content-Type": "application/json"}
            connection.request("POST", parts.path or "/", json.dumps(body).encode(), headers)
            response = connection.getresponse()
            return Reply(response.status, _json(response.read(ANSWER_BYTES)))
        finally:
            cut.cancel()
    finally:
        connection.close()


def _shut(sock: socket.socket) -> None:
    """End an exchange: a read or write waiting on the socket returns at once."""
    with contextlib.suppress(OSError):  # closed meanwhile
        sock.shutdown(socket.SHUT_RDWR)


def _json(raw: bytes) -> dict | None:
    try:
        answer = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, cut short, nested too deep
        return None
    return answer if isinstance(answer, dict) else None
