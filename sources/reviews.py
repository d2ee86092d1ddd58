"""The review tool's CSV exports: manager ratings, 360 ratings, completions, appeals, survey.

The format is documented in the README. A file that cannot be read (encoding, no header, missing
columns) or that would empty or shrink its table (``snapshots``) fails the load naming the file,
and the warehouse keeps the previous export; a row that fails a check goes to the quarantine
(``quarantine``) with its reason, and the others load.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import dlt
import pyarrow as pa
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    ValidationError,
    field_validator,
    model_validator,
)

from .quarantine import (
    CONFLICTING_DUPLICATE,
    INVALID_VALUE,
    OUT_OF_SCALE,
    UNKNOWN_COMPETENCY,
    Quarantine,
    cycle_not_started,
    split_duplicates,
)
from .records import Window, utc_now
from .settings import SourceSettings
from .snapshots import SnapshotGuard

Cycle = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$")]
Id = Annotated[str, Field(min_length=1)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class ReviewExportError(ValueError):
    """A review export cannot be loaded; the message names file, row and column."""


class Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)
    FILE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]]
    OPTIONAL: ClassVar[bool] = False  # a company may not have this file: missing loads an empty table
    IDS: ClassVar[tuple[str, ...]] = ("employee_id",)  # columns naming people the HRIS must know


class ManagerRating(Row):
    """Submitted manager ratings, one per employee and review cycle."""

    FILE: ClassVar[str] = "manager_ratings.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id")
    IDS: ClassVar[tuple[str, ...]] = ("employee_id", "manager_id")
    cycle: Cycle
    employee_id: Id
    manager_id: Id
    rating: Literal["Exceptional", "Strong", "Meets", "Improvement"]
    submitted_at: AwareDatetime


class CompetencyRating(Row):
    """360 competency ratings (self, peer, manager) on levels 1-5, with comments."""

    FILE: ClassVar[str] = "competency_ratings.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id", "rater_id", "competency")
    IDS: ClassVar[tuple[str, ...]] = ("employee_id", "rater_id")
    cycle: Cycle
    employee_id: Id
    rater_id: Id
    rater_type: Literal["self", "peer", "manager"]
    competency: Key
    level: Annotated[int, Field(ge=1, le=5)]
    comment: str | None = None


class ReviewCompletion(Row):
    """When each review was started and finished, per reviewer."""

    FILE: ClassVar[str] = "review_completions.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id", "reviewer_id")
    IDS: ClassVar[tuple[str, ...]] = ("employee_id", "reviewer_id")
    cycle: Cycle
    employee_id: Id
    reviewer_id: Id
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    active_minutes: NonNegativeInt | None = None  # time spent writing, where the tool records it

    @model_validator(mode="after")
    def _finished_after_start(self) -> ReviewCompletion:
        if self.finished_at is not None and self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        return self


class Appeal(Row):
    """Appeals filed against ratings, with their outcome."""

    FILE: ClassVar[str] = "appeals.csv"
    KEY: ClassVar[tuple[str, ...]] = ("appeal_id",)
    cycle: Cycle
    appeal_id: Id
    employee_id: Id
    filed_at: AwareDatetime
    status: Literal["open", "upheld", "overturned", "withdrawn"]
    reason: str | None = None


class SurveyResponse(Row):
    """The process survey: how likely each employee is to recommend the review process (0-10)."""

    FILE: ClassVar[str] = "process_survey.csv"
    KEY: ClassVar[tuple[str, ...]] = ("response_id",)
    cycle: Cycle
    response_id: Id
    employee_id: Id
    score: Annotated[int, Field(ge=0, le=10)]
    submitted_at: AwareDatetime


class CalibrationDecision(Row):
    """The calibration meeting's decisions: the final rating per cycle and employee, with who decided,
    when and why; ``closed_at`` is set once HR has closed the cycle (every row of a cycle the same)."""

    FILE: ClassVar[str] = "calibration_decisions.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id")
    OPTIONAL: ClassVar[bool] = True
    cycle: Cycle
    employee_id: Id
    final_rating: Literal["Exceptional", "Strong", "Meets", "Improvement"]
    reason: str | None = None
    decided_by: Id
    decided_at: AwareDatetime
    closed_at: AwareDatetime | None = None


EXPORTS: dict[str, type[Row]] = {
    "review_manager_ratings": ManagerRating,
    "review_competency_ratings": CompetencyRating,
    "review_completions": ReviewCompletion,
    "review_appeals": Appeal,
    "review_survey_responses": SurveyResponse,
    "review_calibration_decisions": CalibrationDecision,
}
TABLES = {model: table for table, model in EXPORTS.items()}
SCALES = {"rating", "level", "score", "final_rating"}  # a value outside these columns' scale is out of scale
SCALE_ERRORS = {"literal_error", "less_than_equal", "greater_than_equal"}


class Settings(SourceSettings):
    SOURCE: ClassVar[str] = "reviews"
    ENV: ClassVar[dict[str, str]] = {"directory": "REVIEWS_DIR", "encoding": "REVIEWS_ENCODING"}
    directory: Path
    encoding: str = "utf-8"  # of every export; UTF-8 may start with a byte-order mark
    # The competency keys the framework accepts (its competencies and their aliases); None: any key.
    competencies: frozenset[str] | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value


def _is_required(model: type[Row], column: str) -> bool:
    return model.model_fields[column].is_required()


def read_text(path: Path, encoding: str) -> str:
    """The file decoded with the declared encoding (a UTF-8 byte-order mark is accepted); one that does
    not decode is rejected whole, naming the line and the byte offset."""
    if not path.is_file():
        raise ReviewExportError(f"{path.name}: file not found in {path.parent}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReviewExportError(
            f"{path.name}: not {encoding} text: line {line}, byte offset {exc.start} "
            f"(0x{data[exc.start : exc.start + 1].hex()}): {exc.reason}; the file is rejected whole "
            "(REVIEWS_ENCODING declares the exports' encoding)"
        ) from None


def _problems(exc: ValidationError) -> str:
    errors = exc.errors()
    out_of_scale = all(e["loc"] and e["loc"][0] in SCALES and e["type"] in SCALE_ERRORS for e in errors)
    kind = OUT_OF_SCALE if out_of_scale else INVALID_VALUE
    where = [f"column {e['loc'][0]}" if e["loc"] else "row" for e in errors]
    return f"{kind}: " + "; ".join(f"{w}: {e['msg']} (value {e.get('input')!r})" for w, e in zip(where, errors))


def read_export(
    path: Path,
    model: type[Row],
    quarantine: Quarantine,
    encoding: str = "utf-8",
    accepted: frozenset[str] | None = None,
) -> list[tuple[int, Row]]:
    """The rows of one export that pass every check, numbered as in the file; the others go to
    ``quarantine``. A file that cannot be read (encoding, no header, missing columns) raises
    ReviewExportError naming the file."""
    reader = csv.DictReader(io.StringIO(read_text(path, encoding), newline=""))
    header = reader.fieldnames
    if not header:
        raise ReviewExportError(f"{path.name}: no header row (the file is empty); the file is rejected whole")
    missing = [c for c in model.model_fields if c not in header and _is_required(model, c)]
    if missing:
        raise ReviewExportError(f"{path.name}: header row: missing column(s) {', '.join(missing)}")
    table = TABLES[model]
    valid: list[tuple[int, Row, dict]] = []
    for number, line in enumerate(reader, start=1):
        record = {k: v for k, v in line.items() if k is not None} | {"_source_file": path.name, "_source_row": number}
        key = "|".join(str(line.get(k) or "") for k in model.KEY)
        try:
            row = model.model_validate({k: (v or None) for k, v in line.items() if k in model.model_fields})
        except ValidationError as exc:
            quarantine.add(table, key, _problems(exc), record)
            continue
        reason = (
            quarantine.unknown_ids(record, model.IDS)
            or cycle_not_started(row.cycle, quarantine.today)
            or _unknown_competency(row, accepted)
        )
        if reason:
            quarantine.add(table, key, reason, record)
        else:
            valid.append((number, row, record))
    kept, conflicting = split_duplicates(
        valid, lambda v: tuple(getattr(v[1], k) for k in model.KEY), lambda v: v[1].model_dump()
    )
    for _, row, record in conflicting:
        key = "|".join(str(getattr(row, k)) for k in model.KEY)
        quarantine.add(
            table, key, f"{CONFLICTING_DUPLICATE}: {', '.join(model.KEY)} repeated with other values", record
        )
    return [(number, row) for number, row, _ in kept]


def _unknown_competency(row: Row, accepted: frozenset[str] | None) -> str | None:
    """A 360 rating of a competency the framework neither defines nor aliases would be dropped from
    every score without a word."""
    if accepted is None or not isinstance(row, CompetencyRating) or row.competency in accepted:
        return None
    return (
        f"{UNKNOWN_COMPETENCY}: {row.competency!r} is neither a competency the framework defines nor an alias "
        "of one (seeds competency_definitions, competency_aliases)"
    )


def check_cycle_closures(path: Path, rows: list[tuple[int, Row]]) -> None:
    """A cycle is closed once, on one date: rows of one cycle that disagree reject the file."""
    closed: dict[str, tuple[int, Any]] = {}
    for number, row in rows:
        first = closed.setdefault(row.cycle, (number, row.closed_at))
        if first[1] != row.closed_at:
            raise ReviewExportError(
                f"{path.name}: row {number}, column closed_at: {row.closed_at} differs from row {first[0]}'s "
                f"{first[1]} for cycle {row.cycle}; a cycle is closed on one date"
            )


def _arrow_type(schema: dict[str, Any]) -> pa.DataType:
    """The Arrow type of a column from its JSON schema (pydantic's own view of the field)."""
    kinds = [schema, *schema.get("anyOf", [])]
    if any(k.get("format") == "date-time" for k in kinds):
        return pa.timestamp("us", tz="UTC")
    return pa.int64() if any(k.get("type") == "integer" for k in kinds) else pa.string()


def _table(model: type[Row], rows: list[tuple[int, Row]], source_file: str) -> pa.Table:
    schema = pa.schema(
        [(name, _arrow_type(column)) for name, column in model.model_json_schema()["properties"].items()]
        + [("_source_file", pa.string()), ("_source_row", pa.int64()), ("_loaded_at", pa.timestamp("us", tz="UTC"))]
    )
    loaded_at = utc_now()
    records = [
        {**row.model_dump(), "_source_file": source_file, "_source_row": n, "_loaded_at": loaded_at} for n, row in rows
    ]
    return pa.Table.from_pylist(records, schema=schema)


def _exporter(model: type[Row]):
    def export(settings: Settings, quarantine: Quarantine, guard: SnapshotGuard | None) -> Iterator[pa.Table]:
        path = settings.directory / model.FILE
        if model.OPTIONAL and not path.exists():
            rows = []
        else:
            rows = read_export(path, model, quarantine, settings.encoding, settings.competencies)
        if model is CalibrationDecision:
            check_cycle_closures(path, rows)
        if guard:
            guard.check(TABLES[model], path.name, len(rows), may_be_empty=model.OPTIONAL)
        yield _table(model, rows, str(path))

    export.__doc__ = f"{model.__doc__} Loaded from {model.FILE}."
    return export


@dlt.source(name="reviews")
def source(
    settings: Settings | None,
    window: Window | None = None,
    policy: Any = None,
    quarantine: Quarantine | None = None,
    guard: SnapshotGuard | None = None,
):
    """The review tool's exports, each replaced whole by a new export that passes the snapshot guard;
    rows failing a check go to ``quarantine``."""
    settings = settings or Settings(directory=Path("."))
    quarantine = quarantine or Quarantine(Settings.SOURCE, date.today())
    return [
        dlt.resource(_exporter(model), name=table, primary_key=list(model.KEY), write_disposition="replace")(
            settings, quarantine, guard
        )
        for table, model in EXPORTS.items()
    ]
