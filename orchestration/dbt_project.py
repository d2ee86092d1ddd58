"""The dbt project as Dagster sees it, and the command that prepares its manifest.

The manifest must exist before the definitions load (outside ``dagster dev`` nothing builds
it): ``make`` runs ``python -m orchestration.dbt_project`` after installing, and the test
session does the same.
"""

import csv
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT = DbtProject(project_dir=Path(__file__).resolve().parents[1] / "dbt_project")
SEEDS = Path(DBT_PROJECT.project_dir) / "seeds"


def framework_competencies() -> frozenset[str]:
    """The competency keys the framework accepts from the review tool: its own and their aliases."""
    with (
        (SEEDS / "competency_definitions.csv").open(newline="") as defined,
        (SEEDS / "competency_aliases.csv").open(newline="") as aliases,
    ):
        return frozenset(r["competency"] for r in csv.DictReader(defined)) | {
            r["alias"] for r in csv.DictReader(aliases)
        }


def prepare() -> Path:
    """Parse the dbt project into target/manifest.json (no database needed)."""
    DBT_PROJECT.preparer.prepare(DBT_PROJECT)
    return DBT_PROJECT.manifest_path


if __name__ == "__main__":
    print(f"dbt manifest: {prepare()}")
