"""The dashboards server's access log names people line by line (who viewed which page): an erased
person's email, id and page paths become the placeholder; the file is rewritten whole and renamed
over the old one, owner-only."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from dashboards.site import safe_name

from .warehouse import Person


def scrub_line(record: dict, person: Person, placeholder: str) -> dict:
    """One access-log record with the person replaced (as viewer and as the page viewed)."""
    accounts = {account.lower() for account in person.accounts}
    page = f"/{safe_name(person.employee_id)}.html"
    scrubbed = dict(record)
    if str(record.get("email") or "").lower() in accounts:
        scrubbed["email"] = placeholder
    if record.get("employee_id") == person.employee_id:
        scrubbed["employee_id"] = placeholder
    if page in str(record.get("path") or ""):
        scrubbed["path"] = str(record["path"]).replace(page, f"/{placeholder}.html")
    return scrubbed


def scrub(path: Path, person: Person, placeholder: str) -> int:
    """Replace ``person`` in the access log at ``path`` (JSON lines); returns the lines changed."""
    if not path.is_file():
        return 0
    changed, lines = 0, []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        scrubbed = scrub_line(record, person, placeholder)
        changed += scrubbed != record
        lines.append(json.dumps(scrubbed, ensure_ascii=False) if scrubbed != record else line)
    if changed:
        fd, fresh = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in lines))
        os.chmod(fresh, 0o600)
        os.replace(fresh, path)
    return changed
