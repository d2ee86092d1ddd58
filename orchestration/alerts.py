"""A failed run alerts: the failure is logged and, when ``ALERT_WEBHOOK_URL`` is set, posted
there as Slack-compatible JSON (``{"text": ...}``): the job, the run id, the failed steps and
the first line of each step's error. Error lines name sources, URLs and pages, never tokens
(``tests/integration/test_secrets.py``); email addresses and URL queries are cut out anyway."""

from __future__ import annotations

import os
import re

import dagster as dg
import requests

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
QUERY = re.compile(r"(https?://[^\s?]+)\?\S*")
LONGEST = 200


def summary_line(error: str) -> str:
    """The first line of an error, without email addresses or URL queries, at most 200 characters."""
    line = (error.strip().splitlines() or [""])[0]
    line = QUERY.sub(r"\1?…", EMAIL.sub("<email>", line))
    return line if len(line) <= LONGEST else line[: LONGEST - 1] + "…"


def failure_message(job: str, run_id: str, steps: dict[str, str]) -> str:
    """What the alert says; ``steps`` maps each failed step to its error."""
    lines = [f"perfpipe: run {run_id} of job {job} failed"]
    lines += [f"- {step}: {summary_line(error)}" for step, error in steps.items()] or ["- no step failed: see the run"]
    return "\n".join(lines)


def _error(event: dg.DagsterEvent) -> str:
    """A step's error: a ``dg.Failure``'s description (the connectors' clear message), else the exception."""
    failure = event.step_failure_data
    if failure.user_failure_data and failure.user_failure_data.description:
        return failure.user_failure_data.description
    return failure.error.message if failure.error else event.message or ""


@dg.run_failure_sensor(
    name="alert_on_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When a run fails, log it and post the job, run id, failed steps and errors to "
    "ALERT_WEBHOOK_URL (Slack-compatible JSON); nothing is posted when it is unset.",
)
def alert_on_failure(context: dg.RunFailureSensorContext):
    steps = {event.step_key: _error(event) for event in context.get_step_failure_events()}
    message = failure_message(context.dagster_run.job_name, context.dagster_run.run_id, steps)
    context.log.error(message)
    url = os.environ.get("ALERT_WEBHOOK_URL")
    if not url:
        return dg.SkipReason("ALERT_WEBHOOK_URL is not set: the failure was logged, nothing posted")
    requests.post(url, json={"text": message}, timeout=10).raise_for_status()
    return None
