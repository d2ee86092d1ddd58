"""Stable pseudonymous ids: a keyed hash (HMAC-SHA256) of the employee id.

The key is ``PSEUDONYM_KEY`` when set; otherwise one is generated on first use and kept
owner-only beside the warehouse, so a person's pseudonym stays the same from run to run and
nobody without the key can recompute it from an id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

PREFIX = "p_"


def pseudonym(key: bytes, employee_id: str | None) -> str | None:
    if employee_id is None:
        return None
    digest = hmac.new(key, str(employee_id).encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:16]


def load_key(key_file: Path) -> bytes:
    """The key from ``PSEUDONYM_KEY``, else the one kept in ``key_file`` (created 0600 when absent)."""
    if configured := os.environ.get("PSEUDONYM_KEY"):
        return configured.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()
