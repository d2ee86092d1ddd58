"""PagerDuty REST v2: incidents (since/until, offset paging) and users."""

from datetime import datetime

import numpy as np

from .common import BadRequest, Response, Rows, VendorApi, iso_z, page

STATUSES = ("triggered", "acknowledged", "resolved")
MAX_RANGE_S = 183 * 86_400


def _parse(text: str) -> int:
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise BadRequest(f"Invalid date '{text}'") from None


class PagerDutyApi(VendorApi):
    source = "pagerduty"
    auth_schemes = ("Token",)
    routes = (("GET", r"/incidents", "incidents"), ("GET", r"/users", "users"))

    def __init__(self, company):
        super().__init__(company)
        self.rows = company.tables["incidents"]
        self.incident_rows = Rows(self.rows)
        self.created = self.rows["created"].to_numpy()
        self.users_ = company.accounts["pagerduty"]
        self.users_rows = Rows(self.users_)
        self.responder = company.account_of("pagerduty", "Engineering", self.rows["who"].to_numpy())

    def authorized(self, request):
        value = request.headers.get("Authorization") or ""
        return value.startswith("Token token=") and len(value) > len("Token token=")

    def error(self, status, message):
        return Response(
            status, {"error": {"message": message, "code": 2001 if status == 400 else 2006, "errors": [message]}}
        )

    def rate_limited(self):
        return Response(429, self.error(429, "Rate Limit Exceeded").body, {"ratelimit-reset": "1"})

    def _offset_page(self, request, total):
        limit = request.int_arg("limit", 25, 100, 1)
        offset = request.int_arg("offset", 0)
        lo, hi, more = page(total, offset, limit)
        envelope = {
            "limit": limit,
            "offset": offset,
            "more": more,
            "total": total if request.query.get("total") == "true" else None,
        }
        return lo, hi, envelope

    def user_ref(self, root, a):
        return {
            "id": self.users_rows[a]["account_id"],
            "type": "user_reference",
            "summary": self.users_rows[a]["name"],
            "self": f"{root}/pagerduty/users/{self.users_rows[a]['account_id']}",
        }

    def incidents(self, request):
        end = self.company.window_.end_s
        until = _parse(request.query["until"]) if request.query.get("until") else end
        since = _parse(request.query["since"]) if request.query.get("since") else until - 30 * 86_400
        if until - since > MAX_RANGE_S:
            raise BadRequest("The 'since' and 'until' parameters must be at most 6 months apart")
        lo_all, hi_all = np.searchsorted(self.created, since), np.searchsorted(self.created, until)
        lo, hi, envelope = self._offset_page(request, max(0, hi_all - lo_all))
        body = [self.render(request.root, int(lo_all + i)) for i in range(lo, hi)]
        return Response(200, {"incidents": body, **envelope}, served={"pagerduty_incidents": [b["id"] for b in body]})

    def render(self, root, i):
        row = self.incident_rows[i]
        status = STATUSES[int(row["status"])]
        responder = self.user_ref(root, int(self.responder[i]))
        repo = self.company.github_repos[int(row["service"])].split("/")[1]
        pd_id = row["pd_id"]
        changed = iso_z(row["changed"])
        return {
            "id": pd_id,
            "type": "incident",
            "summary": f"[#{int(row['number'])}] {repo} error rate high",
            "self": f"{root}/pagerduty/incidents/{pd_id}",
            "incident_number": int(row["number"]),
            "title": f"{repo} error rate high",
            "created_at": iso_z(row["created"]),
            "status": status,
            "urgency": ("high", "low")[int(row["urgency"])],
            "service": {"id": f"PS{int(row['service']):05d}", "type": "service_reference", "summary": repo},
            "assignments": [] if status == "resolved" else [{"at": iso_z(row["created"]), "assignee": responder}],
            "acknowledgements": []
            if status == "triggered"
            else [{"at": iso_z(row["acked"]), "acknowledger": responder}],
            "last_status_change_at": changed,
            "last_status_change_by": responder,
        }

    def users(self, request):
        lo, hi, envelope = self._offset_page(request, len(self.users_))
        body = [
            {
                "id": self.users_rows[a]["account_id"],
                "type": "user",
                "name": self.users_rows[a]["name"],
                "email": self.users_rows[a]["email"],
                "summary": self.users_rows[a]["name"],
                "role": "user",
                "time_zone": "Etc/UTC",
                "self": f"{request.root}/pagerduty/users/{self.users_rows[a]['account_id']}",
            }
            for a in range(lo, hi)
        ]
        return Response(200, {"users": body, **envelope}, served={"pagerduty_users": [u["id"] for u in body]})
