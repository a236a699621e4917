"""Posting signed messages to peer deployments: where each kind goes, and the HTTP call."""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import NamedTuple

from models import OutgoingAnswer, OutgoingHandover

TIMEOUT = 10  # seconds a peer has for each read; its answer's body stops being read after it
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other (its body read as every answer's is), never
    followed: a peer's API does not move, and urllib would read a redirect's body unbounded."""

    def redirect_request(self, *args):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_post(url: str, body: dict) -> Reply:
    """POST JSON to a peer; its answer (an HTTP error is an answer, not an exception)."""
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return Reply(response.status, _json(_body(response)))
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, _json(_body(error.fp)) if error.fp else None)


def _body(response) -> bytes:
    """At most ANSWER_BYTES of the answer's body, read within TIMEOUT seconds (a peer sending
    it a byte at a time gets cut short, and its answer counts as none)."""
    deadline, chunks, size = time.monotonic() + TIMEOUT, [], 0
    while size < ANSWER_BYTES and time.monotonic() < deadline:
        chunk = response.read1(ANSWER_BYTES - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _json(raw: bytes) -> dict | None:
    try:
        answer = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, cut short, nested too deep
        return None
    return answer if isinstance(answer, dict) else None
