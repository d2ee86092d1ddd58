"""Cells, tables, kpi tiles and the links between pages: the parts every page context is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .org import Org


@dataclass(frozen=True)
class Cell:
    """A table cell with a link or a status colour; plain strings are cells too."""

    text: str
    href: str | None = None
    status: str | None = None  # css suffix: healthy, at-risk, no-data, watch


@dataclass(frozen=True)
class Links:
    """Relative paths from the site root to each active person's page, each manager's page and each
    calibration group's meeting pack."""

    people: dict[str, str]
    managers: dict[str, str]
    packs: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "Nothing to show."
    numeric: tuple[int, ...] = ()  # column positions aligned right


def kpi(label: str, value: str, note: str = "", status: str | None = None) -> dict:
    return {"label": label, "value": value, "note": note, "status": status}


def person_cell(org: Org, employee_id: str, links: Links, root: str) -> Cell:
    """A person's name, linked to their page when they have one (`root` leads from the page to the site root)."""
    href = links.people.get(employee_id)
    return Cell(org.name(employee_id), href=f"{root}{href}" if href else None)
