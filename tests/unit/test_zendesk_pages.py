"""A ticket export page that lost its metric sets fails, naming what is missing; deleted tickets carry none."""

import orjson
import pytest
from requests import Response

from sources.http import SourceError
from sources.zendesk import check_metric_sets


def page(body: dict) -> Response:
    response = Response()
    response.status_code, response._content = 200, orjson.dumps(body)
    return response


def test_a_page_with_every_metric_set_passes_and_deleted_tickets_need_none():
    check_metric_sets(page({"tickets": [{"id": 1, "status": "solved"}, {"id": 2, "status": "deleted"}],
                            "metric_sets": [{"ticket_id": 1}]}))  # fmt: skip
    check_metric_sets(page({"tickets": [{"id": 2, "status": "deleted"}]}))


def test_a_page_without_metric_sets_fails():
    with pytest.raises(SourceError, match="without metric_sets"):
        check_metric_sets(page({"tickets": [{"id": 1, "status": "open"}]}))


def test_tickets_lacking_their_metric_set_are_named():
    body = {"tickets": [{"id": i, "status": "open"} for i in (1, 2, 3, 4)], "metric_sets": [{"ticket_id": 1}]}
    with pytest.raises(SourceError, match=r"3 ticket\(s\) without a metric set, e.g. 2, 3, 4"):
        check_metric_sets(page(body))
