"""Rate-limit headers the vendors send instead of Retry-After become Retry-After seconds."""

import time

import pytest
from requests import Response

from sources.http import _reset_as_retry_after


def response(status: int, **headers: str) -> Response:
    r = Response()
    r.status_code = status
    r.headers.update({k.replace("_", "-"): v for k, v in headers.items()})
    return r


@pytest.mark.parametrize("status", [403, 429])
def test_github_primary_limit_waits_until_the_reset(status):
    reset = str(int(time.time()) + 42)
    r = _reset_as_retry_after(response(status, x_ratelimit_remaining="0", x_ratelimit_reset=reset))
    assert 41 <= int(r.headers["Retry-After"]) <= 43


def test_pagerduty_reset_is_seconds_to_wait():
    assert _reset_as_retry_after(response(429, ratelimit_reset="7")).headers["Retry-After"] == "7"


def test_a_vendor_retry_after_and_other_errors_are_left_alone():
    assert _reset_as_retry_after(response(429, Retry_After="3")).headers["Retry-After"] == "3"
    assert "Retry-After" not in _reset_as_retry_after(response(403)).headers  # a plain permission error
    assert "Retry-After" not in _reset_as_retry_after(response(500, ratelimit_reset="7")).headers
