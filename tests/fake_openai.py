"""A real local HTTP server on 127.0.0.1 speaking the OpenAI chat completions wire protocol.

Streaming is SSE (`data: {chat.completion.chunk}` lines, then `data: [DONE]`) over chunked transfer
encoding, as the real API sends it. Faults are injected per request from a queue:

    server.faults = ["429", "ok"]   # first request: 429 with Retry-After, second: the normal reply

Modes: "ok", "401", "429", "500", "cut" (stream stops mid-way, connection dropped), "hang" (no answer
until past the client's timeout), "malformed" (a chunk that is not JSON). `server.requests` keeps every
request body (parsed JSON) for assertions; `server.reply` is the text the model "writes".

More modes for the reliability suite: "slow" (headers at once, the first token after `slow_seconds`),
"stall" (some tokens, then silence for `hang_seconds`), "trickle" (empty deltas every 0.1 s for
`hang_seconds`: a server that is alive but writes nothing), "ping" (the same with SSE comment lines,
which the client never sees), "drop" (the connection closed with no
answer at all), "garbage" (200 with a body that is not SSE). With `echo_key=True` every error body
repeats the request's Authorization header, as some gateways do, to prove the key never surfaces.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # dropped connections are the point of some modes
        pass


class FakeOpenAI:
    def __init__(self, reply: str = "好的。", chunk_chars: int = 12, hang_seconds: float = 5.0,
                 slow_seconds: float = 0.0, echo_key: bool = False):
        self.reply = reply
        self.slow_seconds = slow_seconds
        self.echo_key = echo_key
        self.chunk_chars = chunk_chars
        self.hang_seconds = hang_seconds
        self.faults: list[str] = []
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._error(404, "not found")
                mode = fake.faults.pop(0) if fake.faults else "ok"
                if mode == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if mode == "garbage":
                    data = b"<html>502 Bad Gateway</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if mode == "401":
                    return self._error(401, "Incorrect API key provided", "invalid_api_key")
                if mode == "429":
                    return self._error(429, "Rate limit reached", "rate_limit_exceeded", {"Retry-After": "0"})
                if mode == "500":
                    return self._error(500, "The server had an error")
                if mode == "hang":
                    fake._stop.wait(fake.hang_seconds)
                    return self._error(504, "too late")
                if not body.get("stream"):
                    return self._json(200, fake.completion(body))
                self._stream(body, mode)

            def _json(self, status: int, payload: dict, extra: dict | None = None):
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, message: str, code: str | None = None, extra: dict | None = None):
                if fake.echo_key:
                    message += f" (you sent: {self.headers.get('Authorization')})"
                self._json(status, {"error": {"message": message, "type": "error", "code": code}}, extra)

            def _chunk(self, data: bytes):
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _stream(self, body: dict, mode: str):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                pieces = [fake.reply[i:i + fake.chunk_chars] for i in range(0, len(fake.reply), fake.chunk_chars)]
                model = body.get("model", "fake")
                first = {"role": "assistant", "content": ""}
                self._chunk(f"data: {json.dumps(fake.chunk(model, first))}\n\n".encode())
                if mode == "slow":
                    fake._stop.wait(fake.slow_seconds)
                if mode == "ping":
                    deadline = time.monotonic() + fake.hang_seconds
                    while time.monotonic() < deadline and not fake._stop.is_set():
                        self._chunk(b": keep-alive\n\n")
                        time.sleep(0.1)
                    return
                if mode == "trickle":
                    deadline = time.monotonic() + fake.hang_seconds
                    while time.monotonic() < deadline and not fake._stop.is_set():
                        self._chunk(f"data: {json.dumps(fake.chunk(model, {'content': ''}))}\n\n".encode())
                        time.sleep(0.1)
                    return
                for i, piece in enumerate(pieces):
                    if mode == "stall" and i == max(1, len(pieces) // 2):
                        fake._stop.wait(fake.hang_seconds)
                        return
                    if mode == "cut" and i >= max(1, len(pieces) // 2):
                        # announce a chunk and drop the connection before sending it
                        self.wfile.write(b"400\r\ndata: {\"id\"")
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    if mode == "malformed" and i == max(1, len(pieces) // 2):
                        self._chunk(b"data: {\"id\": \"x\", \"choices\": [{\"delta\": {\"content\": \n\n")
                    event = fake.chunk(model, {"content": piece})
                    self._chunk(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    time.sleep(0.001)
                self._chunk(f"data: {json.dumps(fake.chunk(model, {}, 'stop'))}\n\n".encode())
                self._chunk(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def chunk(model: str, delta: dict, finish: str | None = None) -> dict:
        return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    def completion(self, body: dict) -> dict:
        return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": self.reply},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
