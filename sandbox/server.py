"""`SandboxServer`: every vendor API of a `Company` over HTTP on 127.0.0.1, in a daemon thread."""

import json
import socket
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .company import Company
from .faults import FaultQueue
from .vendors import VENDORS
from .vendors.common import Request, Response


class SandboxServer:
    def __init__(self, company: Company, port: int = 0, host: str = "127.0.0.1", reviews_dir=None):
        self.company = company
        self.reviews_dir = str(Path(reviews_dir).resolve()) if reviews_dir else None
        self.faults = FaultQueue()
        self.apis = {cls.source: cls(company) for cls in VENDORS}
        self._address = (host, port)
        self._counts: Counter = Counter()
        self._served: defaultdict[str, set] = defaultdict(set)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------
    def start(self) -> "SandboxServer":
        if self._httpd is None:
            self._httpd = ThreadingHTTPServer(self._address, _handler_for(self))
            self._httpd.daemon_threads = True
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox-server", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = self._thread = None

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # introspection -------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, source: str) -> str:
        if source not in self.apis:
            raise KeyError(f"unknown source {source!r}; expected one of {sorted(self.apis)}")
        return f"{self.url}/{source}"

    def info(self) -> dict:
        """What a connector needs to find its way in this sandbox (also at GET /_sandbox/info)."""
        company = self.company
        return {
            "url": self.url,
            "urls": {source: self.base_url(source) for source in self.apis},
            "as_of": company.as_of.isoformat(),
            "window": [day.isoformat() for day in company.window],
            "employees": len(company.employees),
            "github_repos": list(company.github_repos),
            "sonar_projects": list(company.sonar_projects),
            "jira_projects": list(company.jira_projects),
            "reviews_dir": self.reviews_dir,
            "profile": company.profile.name,
            "hris_custom_fields": company.profile.hris_custom_fields,
        }

    @property
    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def served_keys(self, name: str) -> set:
        with self._lock:
            return set(self._served.get(name, ()))

    # request handling ------------------------------------------------------------
    def respond(self, source: str, request: Request) -> tuple[Response, str | None, float]:
        """The vendor's response, the fault kind to apply to it (if any) and the delay before it."""
        with self._lock:
            self._counts[source] += 1
        api = self.apis[source]
        fault = self.faults.next_for(source)
        if fault and fault.kind == "rate_limit":
            return api.rate_limited(), None, 0.0
        if fault and fault.kind == "server_error":
            return Response(503, {"error": "Service Unavailable", "message": "sandbox fault"}), None, 0.0
        if fault and fault.kind == "unauthorized":
            return api.unauthorized(), None, 0.0
        if fault and fault.kind == "down":
            return Response(503, {}), "down", 0.0
        try:
            response = api.handle(request)
        except Exception as exc:  # a sandbox bug must surface as a 500, not a dropped connection
            response = Response(500, {"error": "sandbox error", "message": repr(exc)})
        return response, fault.kind if fault else None, fault.seconds if fault and fault.kind == "slow" else 0.0

    def record(self, response: Response) -> None:
        with self._lock:
            for name, keys in response.served.items():
                self._served[name].update(keys)

    def control(self, method: str, path: str, body: bytes) -> Response:
        """The `/_sandbox` endpoints: fault control and stats."""
        if path == "/_sandbox/faults" and method == "POST":
            try:
                spec = json.loads(body or b"{}")
                self.faults.add(
                    spec["source"], spec["kind"], spec.get("times", 1), spec.get("after", 0), spec.get("seconds", 5)
                )
            except (ValueError, KeyError, TypeError) as exc:
                return Response(400, {"error": str(exc)})
            return Response(201, {"ok": True})
        if path == "/_sandbox/faults" and method == "DELETE":
            self.faults.clear()
            return Response(200, {"ok": True})
        if path == "/_sandbox/info" and method == "GET":
            return Response(200, self.info())
        if path == "/_sandbox/stats" and method == "GET":
            return Response(200, {"request_counts": self.request_counts})
        return Response(404, {"error": f"no sandbox endpoint {method} {path}"})


def _handler_for(server: SandboxServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes; with Nagle on, delayed ACKs add ~40 ms a request.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_GET(self):
            self._serve()

        do_POST = do_DELETE = do_PUT = do_GET

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            source, _, rest = parts.path.lstrip("/").partition("/")
            if source == "_sandbox":
                return self._send(server.control(self.command, parts.path, body))
            if source not in server.apis:
                return self._send(Response(404, {"message": f"unknown source {source!r}"}))
            request = Request(
                self.command,
                "/" + rest,
                dict(parse_qsl(parts.query, keep_blank_values=True)),
                self.headers,
                body,
                f"http://{self.headers.get('Host') or '127.0.0.1'}",
            )
            response, fault, delay = server.respond(source, request)
            if delay:
                time.sleep(delay)
            # Book what is served before it is sent: once the client has read the last page it
            # may ask the bookkeeping at once, before this thread would get to run again.
            if fault not in ("malformed", "truncated", "short_page", "down"):
                server.record(response)
            self._send(response, fault)

        def _send(self, response: Response, fault: str | None = None) -> None:
            payload = response.encoded()
            declared = len(payload)
            if fault == "malformed":
                payload = payload[: max(1, len(payload) // 2)] + b"{"  # always invalid JSON
                declared = len(payload)
            if fault == "truncated":
                payload = payload[: len(payload) // 2]
                declared = len(payload)
            try:
                if fault == "down":  # no answer at all: the client sees the connection dropped
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(response.status)
                if payload or fault:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(declared))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if fault == "short_page":
                    self.send_header("Connection", "close")
                self.end_headers()
                if fault == "short_page":
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_WR)
                    return
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True

    return Handler
