"""SonarQube Web API: project search and measure history (string values, points may lack a value)."""

import time
from datetime import date, datetime

import numpy as np

from .. import config as C
from ..timeline import epoch
from .common import BadRequest, Response, VendorApi, page


def _sonar_time(seconds) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(int(seconds)))


def _parse_time(text: str) -> int:
    try:
        if len(text) == 10:
            return epoch(date.fromisoformat(text))
        return int(datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z").timestamp())
    except ValueError:
        raise BadRequest(f"'{text}' cannot be parsed as either a date or date+time") from None


def _value(metric: str, value: float) -> str:
    return str(int(value)) if metric == "ncloc" else f"{value:.1f}"


class SonarQubeApi(VendorApi):
    source = "sonarqube"
    auth_schemes = ("Bearer", "Basic")
    routes = (
        ("GET", r"/api/projects/search", "projects"),
        ("GET", r"/api/measures/search_history", "history"),
    )

    def __init__(self, company):
        super().__init__(company)
        self.points = company.tables["sonar"]
        self.keys = company.sonar_projects
        self.series_start = np.searchsorted(
            self.points["repo"].to_numpy() * len(C.SONAR_METRICS) + self.points["metric"].to_numpy(),
            np.arange(len(self.keys) * len(C.SONAR_METRICS) + 1),
        )

    def error(self, status, message):
        return Response(status, {"errors": [{"msg": message}]})

    def unauthorized(self):
        return Response(401, b"")

    def projects(self, request):
        number = request.int_arg("p", 1, minimum=1)
        size = request.int_arg("ps", 100, 500, 1)
        lo, hi, _ = page(len(self.keys), (number - 1) * size, size)
        components = [
            {"key": k, "name": k.split("_", 1)[-1], "qualifier": "TRK", "visibility": "private"}
            for k in self.keys[lo:hi]
        ]
        return Response(
            200, {"paging": {"pageIndex": number, "pageSize": size, "total": len(self.keys)}, "components": components}
        )

    def history_series(self, repo, metric, start, end):
        a, b = self.series_start[repo * len(C.SONAR_METRICS) + metric : repo * len(C.SONAR_METRICS) + metric + 2]
        dates = self.points["date"].to_numpy()[a:b]
        lo, hi = np.searchsorted(dates, start), np.searchsorted(dates, end, side="right")
        return np.arange(a + lo, a + hi)

    def history(self, request):
        component = request.query.get("component", "")
        metrics = [m for m in request.query.get("metrics", "").split(",") if m]
        if not component or not metrics:
            raise BadRequest("The 'component' and 'metrics' parameters are missing")
        if component not in self.keys:
            return self.error(404, f"Component key '{component}' not found")
        unknown = [m for m in metrics if m not in C.SONAR_METRICS]
        if unknown:
            return self.error(404, f"Metrics {', '.join(unknown)} are not found")
        start = _parse_time(request.query["from"]) if request.query.get("from") else 0
        end = _parse_time(request.query["to"]) if request.query.get("to") else 2**40
        number = request.int_arg("p", 1, minimum=1)
        size = request.int_arg("ps", 100, 1000, 1)
        repo = self.keys.index(component)
        measures, served, total = [], [], 0
        dates, values = self.points["date"].to_numpy(), self.points["value"].to_numpy()
        for metric in metrics:
            rows = self.history_series(repo, C.SONAR_METRICS.index(metric), start, end)
            total = len(rows)
            lo, hi, _ = page(total, (number - 1) * size, size)
            points = []
            for k in rows[lo:hi]:
                point = {"date": _sonar_time(dates[k])}
                if values[k] == values[k]:
                    point["value"] = _value(metric, values[k])
                points.append(point)
                served.append(f"{component}|{metric}|{point['date']}")
            measures.append({"metric": metric, "history": points})
        return Response(
            200,
            {"paging": {"pageIndex": number, "pageSize": size, "total": total}, "measures": measures},
            served={"sonarqube_measures": served},
        )
