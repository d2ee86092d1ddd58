"""What a failure alert says: job, run, each failed step's first error line, nothing personal."""

from orchestration.alerts import failure_message, summary_line


def test_the_alert_carries_no_email_address_nor_url_query_and_stays_short():
    line = summary_line(
        "zendesk: page 3 of http://h/api/v2/users?query=ann@example.com failed: HTTP 500: ann@example.com\nTraceback"
    )
    assert line == "zendesk: page 3 of http://h/api/v2/users?… failed: HTTP 500: <email>"
    assert len(summary_line("x" * 1000)) == 200
    assert failure_message("ingest", "r1", {}) == "perfpipe: run r1 of job ingest failed\n- no step failed: see the run"
