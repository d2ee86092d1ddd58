"""The one way every connector talks HTTP: dlt's RESTClient on a retrying requests session.

Retries (429, 5xx, timeouts, dropped connections) are dlt's; this module adds what the
vendors need beyond that: GitHub's primary rate limit (403 + ``x-ratelimit-remaining: 0``),
reset headers turned into ``Retry-After`` so dlt waits them out, and errors that name the
source, the URL and the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from dlt.common.jsonpath import compile_path
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from dlt.sources.helpers.rest_client.redaction import sanitize_url
from requests import HTTPError, RequestException, Response
from requests.auth import AuthBase
from requests.exceptions import ChunkedEncodingError, ConnectionError, Timeout


class SourceError(RuntimeError):
    """A source system answered with something we cannot load.

    ``retryable`` says whether running the load again later may help (the service was down
    or overloaded) or not (malformed data, a bad request, refused credentials).
    """

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


def _is_primary_rate_limit(response: Response | None, _exc: BaseException | None) -> bool:
    return response is not None and response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"


def _reset_as_retry_after(response: Response, *_args: Any, **_kwargs: Any) -> Response:
    """Turn vendor reset headers into Retry-After seconds, which dlt's retry honours.

    GitHub sends ``x-ratelimit-reset`` (epoch seconds) with a 403 or 429, PagerDuty
    ``ratelimit-reset`` (seconds to wait); neither sends ``Retry-After``.
    """
    if response.status_code not in (403, 429) or "Retry-After" in response.headers:
        return response
    if response.headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in response.headers:
        wait = float(response.headers["x-ratelimit-reset"]) - time.time()
        response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    elif "ratelimit-reset" in response.headers:
        response.headers["Retry-After"] = response.headers["ratelimit-reset"]
    return response


@dataclass(frozen=True)
class HttpPolicy:
    """How patient every connector is: per-request timeout and retry budget."""

    timeout: float = 30.0
    max_attempts: int = 6
    backoff_factor: float = 1.0


@dataclass(frozen=True)
class Connection:
    """Where a source lives and how to reach it; builds the client and pages through it."""

    source: str
    base_url: str
    auth: AuthBase | None = None
    headers: tuple[tuple[str, str], ...] = ()
    policy: HttpPolicy = HttpPolicy()

    def client(self) -> RESTClient:
        session = Client(
            request_timeout=self.policy.timeout,
            raise_for_status=False,
            request_max_attempts=self.policy.max_attempts,
            request_backoff_factor=self.policy.backoff_factor,
            request_max_retry_delay=120,
            retry_condition=_is_primary_rate_limit,
        ).session
        return RESTClient(
            base_url=self.base_url.rstrip("/"),
            headers=dict(self.headers),
            auth=self.auth,
            session=session,
        )

    def pages(
        self,
        path: str,
        *,
        paginator: BasePaginator,
        data_selector: str,
        method: str = "GET",
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        check: Callable[[Response], None] | None = None,
    ) -> Iterator[Any]:
        """Yield each page's records; any failure names the source, the URL and the page.

        ``check`` inspects each successful response for errors sent with a 200 (GraphQL).
        """
        last: dict[str, str] = {"url": f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"}

        def remember(response: Response, *_args: Any, **_kwargs: Any) -> None:
            last["url"] = response.url
            if response.status_code >= 400:
                raise_http_error(response)
            parsed = orjson.loads(response.content)  # malformed JSON fails here, not retried
            # dlt's data selector and paginator each call .json(): parse a page once, not thrice.
            response.json = lambda **_: parsed
            if check is not None:
                check(response)

        pages = self.client().paginate(
            path,
            method=method,
            params=params,
            json=json,
            paginator=paginator,
            data_selector=compile_path(data_selector),  # dlt would re-parse a string every page
            hooks={"response": [_reset_as_retry_after, remember]},
        )
        page = 1
        while True:
            try:
                data = next(pages)
            except StopIteration:
                return
            except (RequestException, ValueError, SourceError) as exc:
                raise SourceError(
                    f"{self.source}: page {page} of {sanitize_url(last['url'])} failed: {_reason(exc)}",
                    retryable=_is_transient(exc),
                ) from exc
            yield data
            page += 1


def raise_http_error(response: Response) -> None:
    """Raise requests' HTTPError with the response attached, so dlt's retry can inspect it."""
    body = response.text[:300] if response.text else ""
    raise HTTPError(f"HTTP {response.status_code} {response.reason}: {body}", response=response)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, HTTPError) and exc.response is not None:
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, (Timeout, ConnectionError, ChunkedEncodingError))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, orjson.JSONDecodeError):
        return f"malformed JSON ({exc})"
    return str(exc).split("\n")[0]
