"""What every vendor API shares: request/response types, routing, auth, paging, timestamps."""

import base64
import binascii
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

from ..company import Company


@dataclass
class Request:
    method: str
    path: str  # after the source prefix, without the query string
    query: dict[str, str]  # first value of each parameter
    headers: Any  # email.message.Message (case-insensitive)
    body: bytes
    root: str  # "http://host:port", from the Host header

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def int_arg(self, name: str, default: int, maximum: int | None = None, minimum: int = 0) -> int:
        """An integer parameter, clamped to [minimum, maximum]; BadRequest if not an integer."""
        raw = self.query.get(name)
        try:
            value = default if raw in (None, "") else int(raw)
        except ValueError:
            raise BadRequest(f"'{name}' must be an integer") from None
        value = max(value, minimum)
        return min(value, maximum) if maximum is not None else value


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    served: dict[str, list] = field(default_factory=dict)  # served_keys name -> primary keys

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return (
            b""
            if self.body is None
            else orjson.dumps(self.body, default=_numpy_scalar, option=orjson.OPT_SERIALIZE_NUMPY)
        )


def _numpy_scalar(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Rows:
    """Row access to a DataFrame through its column arrays: ``rows[i]["col"]``.

    Rendering a page touches every row once; pandas' ``.iloc[i]`` builds a Series per row and
    made a 1,000-ticket page take 0.4 s.
    """

    def __init__(self, frame):
        self._columns = {name: frame[name].to_numpy() for name in frame.columns}

    def __getitem__(self, i: int) -> "_Row":
        return _Row(self._columns, i)


class _Row:
    __slots__ = ("_columns", "_i")

    def __init__(self, columns: dict, i: int):
        self._columns, self._i = columns, i

    def __getitem__(self, name: str):
        return self._columns[name][self._i]


class BadRequest(Exception):
    """Raised by handlers for invalid input; the vendor renders it in its error shape."""


def cursor(tag: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{tag}:{position}".encode()).decode().rstrip("=")


def position(tag: str, token: str | None) -> int:
    """Decode a cursor made by `cursor`; a cursor of another list or garbage is a BadRequest."""
    if not token:
        return 0
    try:
        kind, _, pos = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().rpartition(":")
        if kind == tag and int(pos) >= 0:
            return int(pos)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadRequest("invalid cursor")


def page(total: int, start: int, size: int) -> tuple[int, int, bool]:
    """[lo, hi) of a page of `size` from `start` in a list of `total`, and whether more follow."""
    lo = min(start, total)
    hi = min(lo + size, total)
    return lo, hi, hi < total


def iso_z(seconds) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(seconds)))


def iso_millis(seconds, offset_minutes: int = 0) -> str:
    """Jira/Salesforce style `2026-03-20T06:21:50.520+0000`, in the zone `offset_minutes` east of UTC
    (`+0530` = 330); the millis are derived from the seconds."""
    s = int(seconds)
    sign, minutes = ("+" if offset_minutes >= 0 else "-"), abs(offset_minutes)
    zone = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s + offset_minutes * 60)) + f".{s * 7919 % 1000:03d}{zone}"


def iso_date(seconds) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(int(seconds)))


def maybe(value, render):
    """`render(value)` unless the value is missing (NONE / NaN / None)."""
    if value is None or value != value or value == -1:
        return None
    return render(value)


class VendorApi:
    """Routes one source's requests to handler methods; subclasses set the vendor's ways."""

    source = ""
    auth_schemes: tuple[str, ...] = ()  # accepted Authorization schemes, e.g. ("Basic",)
    routes: tuple[tuple[str, str, str], ...] = ()  # (method, path regex, handler method name)

    def __init__(self, company: Company):
        self.company = company
        self._routes = [(m, re.compile(p + r"/?$"), name) for m, p, name in self.routes]

    def authorized(self, request: Request) -> bool:
        scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
        return scheme in self.auth_schemes and bool(credentials.strip())

    def error(self, status: int, message: str) -> Response:
        return Response(status, {"message": message})

    def unauthorized(self) -> Response:
        return self.error(401, "Unauthorized")

    def rate_limited(self) -> Response:
        return Response(429, self.error(429, "Rate limit exceeded").body, {"Retry-After": "1"})

    def handle(self, request: Request) -> Response:
        if not self.authorized(request):
            return self.unauthorized()
        for method, pattern, name in self._routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                try:
                    return getattr(self, name)(request, *match.groups())
                except BadRequest as exc:
                    return self.error(400, str(exc))
        return self.error(404, f"No route for {request.method} {request.path}")
