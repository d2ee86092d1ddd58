"""``make serve``: the published dashboards over HTTP, behind the company's authenticating proxy.

The proxy (oauth2-proxy or alike) signs the user in and passes their email in ``X-Forwarded-Email``.
The header is believed only from the proxy's addresses (``SERVE_TRUSTED_PROXIES``); the email is
mapped to an employee and each request authorised by the access map (``dashboards.access``), which
is re-read whenever the dashboards asset replaces it. The server reads only the site folder and the
map, never the warehouse, and appends every request it answers to the access log (owner-only).
See docs/serving.md.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from pydantic import BaseModel, ConfigDict, field_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .access import INDEX, may_open, own_pages
from .location import access_log_path, access_map_path, data_dir, site_dir
from .site import environment, render

EMAIL_HEADER = "x-forwarded-email"  # oauth2-proxy's header for the signed-in user's email
# A request path the site can hold: segments of letters, digits, '_', '-' and '.', none starting with a dot
# (no '..', no hidden files), nothing percent-encoded (no %2e%2e%2f, no %2F), no backslash, no '//'.
SITE_PATH = re.compile(r"/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*)?")
HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class ServeSettings(BaseModel):
    """``SERVE_HOST`` (127.0.0.1), ``SERVE_PORT`` (8080), ``SERVE_TRUSTED_PROXIES`` (127.0.0.1,::1),
    ``SERVE_ACCESS_LOG`` (access.log beside the warehouse); the site and map as the dashboards asset writes them."""

    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = 8080
    trusted_proxies: frozenset[Address] = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
    site: Path
    access_map: Path
    access_log: Path

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _addresses(cls, value):
        items = value.split(",") if isinstance(value, str) else value
        return {ipaddress.ip_address(str(item).strip()) for item in items if str(item).strip()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ServeSettings:
        data = data_dir(environ)
        site = site_dir(data, environ)
        optional = {
            name: environ[var]
            for name, var in [
                ("host", "SERVE_HOST"),
                ("port", "SERVE_PORT"),
                ("trusted_proxies", "SERVE_TRUSTED_PROXIES"),
            ]
            if environ.get(var)
        }
        return cls(
            site=site,
            access_map=access_map_path(site),
            access_log=access_log_path(data, environ),
            **optional,
        )


class AccessMap:
    """The access map file, parsed again whenever it was replaced (a rebuild applies without a restart)."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple | None = None
        self._map: dict | None = None
        self._lock = threading.Lock()

    def current(self) -> dict | None:
        """The map, or None while none is published."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if seen != self._seen:
                try:
                    self._map = json.loads(self.path.read_text(encoding="utf-8"))
                    self._seen = seen
                except (OSError, ValueError):  # caught mid-write by hand: keep the last map, read it again next time
                    pass
            return self._map


class AccessLog:
    """One JSON line per request answered, appended to an owner-only file."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def record(self, *, email: str | None, employee_id: str | None, path: str, status: int, client: str | None) -> None:
        line = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "email": email,
            "employee_id": employee_id,
            "path": path,
            "status": status,
            "client": client,
        }
        encoded = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)  # also a file someone else created with a wider mode
                os.write(fd, encoded)
            finally:
                os.close(fd)


def refused(status: int) -> Response:
    """The same few words whatever was asked: a refusal says nothing about who or what exists."""
    reasons = {
        401: "Sign in through the company login.",
        403: "Forbidden.",
        404: "Not found.",
        503: "Not published yet.",
    }
    return PlainTextResponse(reasons[status] + "\n", status_code=status, headers=HEADERS)


def trusted(client: str | None, proxies: frozenset[Address]) -> bool:
    if client is None:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address in proxies


def create_app(settings: ServeSettings) -> Starlette:
    access = AccessMap(settings.access_map)
    log = AccessLog(settings.access_log)
    env = environment()

    def answer(request: Request, client: str | None, raw: str) -> tuple[Response, str | None, str | None]:
        """(response, email, employee id) for one request from ``client`` for the raw path ``raw``."""
        emails = request.headers.getlist(EMAIL_HEADER)
        email = emails[0].strip().lower() if len(emails) == 1 else None
        if not trusted(client, settings.trusted_proxies):
            return refused(403), email, None  # a header from anywhere but the proxy is forged
        if not email:
            return refused(401), None, None
        published = access.current()
        if published is None:
            return refused(503), email, None
        user = published["users"].get(email)
        if user is None:
            return refused(403), email, None
        employee_id = user["employee_id"]
        if not SITE_PATH.fullmatch(raw):
            return refused(403), email, employee_id
        path = raw.removeprefix("/") or INDEX
        if not may_open(user, path):
            return refused(403), email, employee_id
        if path == INDEX and not user["hr"]:
            page = render(env, "my_pages.html", own_pages(user, published["titles"]))
            return HTMLResponse(page, headers=HEADERS), email, employee_id
        site = settings.site.resolve()
        file = (site / path).resolve()
        if not file.is_relative_to(site):  # a symlink leading out of the site
            return refused(403), email, employee_id
        if not file.is_file():
            return refused(404), email, employee_id
        return FileResponse(file, headers=HEADERS), email, employee_id

    async def serve(request: Request) -> Response:
        client = request.client.host if request.client else None
        raw = request.scope.get("raw_path", b"").decode("latin-1")
        email = employee_id = None
        status = 500  # what the log says if answering fails
        try:
            response, email, employee_id = answer(request, client, raw)
            status = response.status_code
            return response
        finally:
            log.record(email=email, employee_id=employee_id, path=raw, status=status, client=client)

    return Starlette(routes=[Route("/{path:path}", serve, methods=["GET", "HEAD"])])


def main() -> None:
    settings = ServeSettings.from_env()
    print(f"serving {settings.site} on http://{settings.host}:{settings.port} (access log: {settings.access_log})")
    # proxy_headers=False: the client address is the TCP peer, never a header a client can forge.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=False,
        server_header=False,
        access_log=False,
    )


if __name__ == "__main__":
    main()
