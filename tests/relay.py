"""A test-only relay between one deployment's worker and a peer's app, which can hold the next
message at a chosen point until the test has killed a process there:

- "request": the peer has the headers and all but the last bytes of the body, so its app is
  inside the request (reading the body), before anything is committed;
- "answer": the peer has answered (and committed), the answer is not yet passed on.

Then, on `release`, the relay closes the connection (or passes the answer on, if anyone is
still there). The point is reached deterministically: the test waits on `held`.
"""

import contextlib
import socket
import socketserver
import threading

WITHHELD = 8  # bytes of the body the peer waits for while the relay holds a request


def _read_request(client: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += client.recv(65536)
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    length = next(
        int(line.split(":", 1)[1])
        for line in head.split("\r\n")
        if line.startswith("content-length")
    )
    while len(data) - len(head) - 4 < length:
        data += client.recv(65536)
    return data


def _read_all(peer: socket.socket) -> bytes:
    data = b""
    while chunk := peer.recv(65536):
        data += chunk
    return data


class Relay:
    """Listens on `url` and forwards each request to the app on `port` (see the module)."""

    def __init__(self, port: int):
        self.upstream = ("127.0.0.1", port)
        self.hold: str | None = None
        self.held, self.release = threading.Event(), threading.Event()
        self.statuses: list[int] = []  # the peer's HTTP status of each message it answered
        relay = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                relay.forward(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def arm(self, hold: str) -> None:
        """Hold the next message at `hold` ("request" or "answer")."""
        self.held.clear()
        self.release.clear()
        self.hold = hold

    def forward(self, client: socket.socket) -> None:
        """Pass one request on and its answer back, holding it where armed."""
        request = _read_request(client)
        hold, self.hold = self.hold, None
        with socket.create_connection(self.upstream, timeout=30) as peer:
            if hold == "request":
                peer.sendall(request[:-WITHHELD])
                self._wait()
                return
            peer.sendall(request)
            answer = _read_all(peer)
        self.statuses.append(int(answer.split(b" ", 2)[1]))
        if hold == "answer":
            self._wait()
        with contextlib.suppress(OSError):  # the worker may have been killed meanwhile
            client.sendall(answer)

    def _wait(self) -> None:
        self.held.set()
        assert self.release.wait(60), "the test never released the relay"

    def close(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()
