"""The review tool's CSV exports: manager ratings, 360 ratings, completions, appeals, survey.

The format is documented in the README. Every file is validated whole before anything is
loaded: a bad file fails the load with the file, row and column, and the warehouse keeps
the previous export.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
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
    TypeAdapter,
    ValidationError,
    model_validator,
)

from .records import Window, utc_now
from .settings import SourceSettings

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


class ManagerRating(Row):
    """Submitted manager ratings, one per employee and review cycle."""

    FILE: ClassVar[str] = "manager_ratings.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id")
    cycle: Cycle
    employee_id: Id
    manager_id: Id
    rating: Literal["Exceptional", "Strong", "Meets", "Improvement"]
    submitted_at: AwareDatetime


class CompetencyRating(Row):
    """360 competency ratings (self, peer, manager) on levels 1-5, with comments."""

    FILE: ClassVar[str] = "competency_ratings.csv"
    KEY: ClassVar[tuple[str, ...]] = ("cycle", "employee_id", "rater_id", "competency")
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


class Settings(SourceSettings):
    SOURCE: ClassVar[str] = "reviews"
    ENV: ClassVar[dict[str, str]] = {"directory": "REVIEWS_DIR"}
    directory: Path
    # The competency keys the framework accepts (its competencies and their aliases); None: any key.
    competencies: frozenset[str] | None = None


def _is_required(model: type[Row], column: str) -> bool:
    return model.model_fields[column].is_required()


def read_export(path: Path, model: type[Row]) -> list[Row]:
    """Read and validate one export file; raise ReviewExportError naming file, row and column."""
    if not path.is_file():
        raise ReviewExportError(f"{path.name}: file not found in {path.parent}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in model.model_fields if c not in header and _is_required(model, c)]
        if missing:
            raise ReviewExportError(f"{path.name}: header row: missing column(s) {', '.join(missing)}")
        raw = [{k: (v if v != "" else None) for k, v in row.items() if k in model.model_fields} for row in reader]
    try:
        rows = TypeAdapter(list[model]).validate_python(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        index, *column = error["loc"]
        where = f"column {column[0]}" if column else "row"
        raise ReviewExportError(
            f"{path.name}: row {index + 1}, {where}: {error['msg']} (value {error.get('input')!r}); "
            f"{exc.error_count()} problem(s) in the file"
        ) from None
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=1):
        key = tuple(getattr(row, k) for k in model.KEY)
        if key in seen:
            raise ReviewExportError(
                f"{path.name}: row {number}, columns {', '.join(model.KEY)}: duplicates row {seen[key]}"
            )
        seen[key] = number
    return rows


def check_cycle_closures(path: Path, rows: list[Row]) -> None:
    """A cycle is closed once, on one date: rows of one cycle that disagree are rejected."""
    closed: dict[str, tuple[int, Any]] = {}
    for number, row in enumerate(rows, start=1):
        first = closed.setdefault(row.cycle, (number, row.closed_at))
        if first[1] != row.closed_at:
            raise ReviewExportError(
                f"{path.name}: row {number}, column closed_at: {row.closed_at} differs from row {first[0]}'s "
                f"{first[1]} for cycle {row.cycle}; a cycle is closed on one date"
            )


def check_competencies(path: Path, rows: list[Row], accepted: frozenset[str]) -> None:
    """A 360 rating of a competency the framework neither defines nor aliases would be dropped from
    every score without a word: reject the file, naming the row and the value."""
    for number, row in enumerate(rows, start=1):
        if row.competency not in accepted:
            raise ReviewExportError(
                f"{path.name}: row {number}, column competency: {row.competency!r} is neither a competency the "
                "framework defines nor an alias of one (seeds competency_definitions, competency_aliases)"
            )


def _arrow_type(schema: dict[str, Any]) -> pa.DataType:
    """The Arrow type of a column from its JSON schema (pydantic's own view of the field)."""
    kinds = [schema, *schema.get("anyOf", [])]
    if any(k.get("format") == "date-time" for k in kinds):
        return pa.timestamp("us", tz="UTC")
    return pa.int64() if any(k.get("type") == "integer" for k in kinds) else pa.string()


def _table(model: type[Row], rows: list[Row], source_file: str) -> pa.Table:
    schema = pa.schema(
        [(name, _arrow_type(column)) for name, column in model.model_json_schema()["properties"].items()]
        + [("_source_file", pa.string()), ("_source_row", pa.int64()), ("_loaded_at", pa.timestamp("us", tz="UTC"))]
    )
    loaded_at = utc_now()
    records = [
        {**row.model_dump(), "_source_file": source_file, "_source_row": n, "_loaded_at": loaded_at}
        for n, row in enumerate(rows, start=1)
    ]
    return pa.Table.from_pylist(records, schema=schema)


def _exporter(model: type[Row]):
    def export(directory: Path, competencies: frozenset[str] | None) -> Iterator[pa.Table]:
        path = directory / model.FILE
        rows = [] if model.OPTIONAL and not path.exists() else read_export(path, model)
        if model is CompetencyRating and competencies is not None:
            check_competencies(path, rows, competencies)
        if model is CalibrationDecision:
            check_cycle_closures(path, rows)
        yield _table(model, rows, str(path))

    export.__doc__ = f"{model.__doc__} Loaded from {model.FILE}."
    return export


@dlt.source(name="reviews")
def source(settings: Settings | None, window: Window | None = None, policy: Any = None):
    """The review tool's exports, each replaced whole by a valid new export."""
    directory = settings.directory if settings else Path(".")
    competencies = settings.competencies if settings else None
    return [
        dlt.resource(_exporter(model), name=table, primary_key=list(model.KEY), write_disposition="replace")(
            directory, competencies
        )
        for table, model in EXPORTS.items()
    ]
