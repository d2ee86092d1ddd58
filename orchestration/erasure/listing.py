"""The erasure list: who was erased, as salted hashes, kept outside the warehouse.

A JSON file beside the warehouse (``ERASURE_LIST_PATH`` moves it), owner-only (0600), rewritten
whole by a rename. It holds a random salt and, per erased person, the placeholder that stands in
for them and the hashes of their identifiers: the employee id (matched only where an employee id
belongs) and their account identifiers (account ids, logins, emails, names: matched anywhere).
No identifier is stored in plain text; the salt keeps the hashes from being recomputed from a
list of ids by anyone who has the warehouse but not this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FILE_NAME = "erasure_list.json"
PLACEHOLDER_PREFIX = "erased-"


def list_path(data_dir: Path) -> Path:
    """``ERASURE_LIST_PATH``, else ``erasure_list.json`` beside the warehouse."""
    return Path(os.environ.get("ERASURE_LIST_PATH") or data_dir / FILE_NAME).resolve()


def normalise(value: object) -> str:
    """What is compared: text trimmed and lower-cased (emails and logins are case-insensitive)."""
    return str(value).strip().lower()


@dataclass
class ErasureList:
    salt: str
    people: list[dict] = field(default_factory=list)

    def digest(self, value: object) -> str:
        return hashlib.sha256(f"{self.salt}:{normalise(value)}".encode()).hexdigest()

    def placeholder(self, employee_id: str) -> str:
        return PLACEHOLDER_PREFIX + self.digest(employee_id)[:12]

    def add(self, employee_id: str, accounts: set[str], erased_at: datetime) -> str:
        """Record an erasure (again: the identifiers found now join those recorded before)."""
        hashed = self.digest(employee_id)
        entry = next((p for p in self.people if p["employee"] == hashed), None)
        if entry is None:
            entry = {"employee": hashed, "placeholder": self.placeholder(employee_id), "accounts": []}
            self.people.append(entry)
        entry["accounts"] = sorted(set(entry["accounts"]) | {self.digest(a) for a in accounts if normalise(a)})
        entry["erased_at"] = erased_at.astimezone(UTC).isoformat()
        return entry["placeholder"]

    def employees(self) -> dict[str, str]:
        """Employee-id hash -> placeholder."""
        return {p["employee"]: p["placeholder"] for p in self.people}

    def accounts(self) -> dict[str, str]:
        """Account-identifier hash -> placeholder of the person it belongs to."""
        return {a: p["placeholder"] for p in self.people for a in p["accounts"]}


def load(path: Path) -> ErasureList:
    """The list at ``path``; an empty one (new salt, not yet written) when there is none."""
    if not path.exists():
        return ErasureList(salt=secrets.token_hex(16))
    data = json.loads(path.read_text(encoding="utf-8"))
    return ErasureList(salt=data["salt"], people=data["people"])


def save(erasures: ErasureList, path: Path) -> None:
    """Write the list owner-only, whole, by a rename (a crash leaves the old list or the new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"salt": erasures.salt, "people": erasures.people}, out, indent=1)
    os.replace(temporary, path)
