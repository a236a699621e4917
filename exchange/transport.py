"""Posting signed messages to peer deployments: where each kind goes, and the HTTP call."""

import json
import urllib.error
import urllib.request
from collections.abc import Callable

from models import OutgoingAnswer, OutgoingHandover

TIMEOUT = 10  # seconds a peer has to answer one attempt
# post(url, body) -> HTTP status; raises OSError when the peer cannot be reached.
Post = Callable[[str, dict], int]
# Where on the peer's API each kind of message goes.
PATHS = {OutgoingHandover: "/api/v1/handovers", OutgoingAnswer: "/api/v1/handovers/answers"}
# What a peer answers to a packet its sender withdrew (before it came, or a withdrawal whose
# answer was lost): the packet is withdrawn at both ends.
WITHDRAWN_THERE = 410


def http_post(url: str, body: dict) -> int:
    """POST JSON to a peer; its HTTP status (an HTTP error is an answer, not an exception)."""
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
