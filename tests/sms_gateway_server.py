"""A real local HTTP server playing an SMS provider, for the gateway backend's tests.

It checks the HMAC-SHA256 signature and the timestamp as a provider would, answers with the
statuses a test queues, and honours the Idempotency-Key the way the backend expects a provider
to: the first accepted request for a key is delivered to the phone (`delivered`); a later
request with the same key is answered like the first and delivered no second time (`repeats`).

`hold_next()` makes the next accepted request wait before answering — the provider has taken
the message, our side has not heard back — so a test can kill the sender right then.
"""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "gateway-shared-secret"
FRESH_SECONDS = 300


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.statuses_by_key: dict[str, list[int]] = {}  # the same, for one idempotency key
        self.received: list[dict] = []  # every request, in order
        self.delivered: dict[str, dict] = {}  # idempotency key → the message as delivered, once
        self.provider_ids: dict[str, str] = {}
        self.repeats: list[str] = []  # keys that came again after delivery
        self.slow_seconds = 0.0
        self.lock = threading.Lock()
        self._hold: tuple[threading.Event, threading.Event] | None = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/sms"

    def hold_next(self) -> tuple[threading.Event, threading.Event]:
        """(arrived, release): the next accepted request is delivered, sets `arrived`, and is
        answered only once `release` is set."""
        self._hold = (threading.Event(), threading.Event())
        return self._hold

    def answer(self, key: str, message: dict, signed: bool) -> tuple[int, dict]:
        with self.lock:
            self.received.append({"json": message, "key": key, "signed": signed})
            if not signed:
                return 401, {"error": "bad signature"}
            if key in self.delivered:
                self.repeats.append(key)
                return 200, {"id": self.provider_ids[key], "duplicate": True}
            queued = self.statuses_by_key.get(key) or self.statuses
            status = queued.pop(0) if queued else 200
            if status != 200:
                return status, {"error": "try later" if status >= 500 else "no"}
            self.delivered[key] = message
            self.provider_ids[key] = f"gw-{len(self.received)}"
            return 200, {"id": self.provider_ids[key]}

    def take_hold(self):
        with self.lock:
            hold, self._hold = self._hold, None
        return hold


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        gateway = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Unioncase-Timestamp"]
        expected = hmac.new(KEY.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(self.headers["X-Unioncase-Signature"], f"sha256={expected}")
        fresh = abs(time.time() - int(timestamp)) < FRESH_SECONDS
        status, answer = gateway.answer(self.headers["Idempotency-Key"], json.loads(body), signed and fresh)
        if gateway.slow_seconds:
            time.sleep(gateway.slow_seconds)
        if status == 200 and (hold := gateway.take_hold()):
            arrived, release = hold
            arrived.set()
            release.wait(timeout=120)
        payload = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the sender is gone (killed while waiting for this answer)

    def log_message(self, *args):
        pass


def serve() -> tuple[Gateway, threading.Thread]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop(server: Gateway, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join()
