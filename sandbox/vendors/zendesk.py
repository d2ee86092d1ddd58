"""Zendesk Support: incremental ticket export (cursor, metric_sets), satisfaction ratings, agents."""

from urllib.parse import urlencode

import numpy as np

from .common import BadRequest, Response, Rows, VendorApi, cursor, iso_z, maybe, page, position

STATUSES = ("new", "open", "pending", "solved", "closed")
CHANNELS = ("email", "web", "chat")
SCORES = ("good", "bad", "offered", "unoffered")
SUBJECTS = (
    "Cannot log in",
    "Invoice question",
    "Export fails",
    "Feature request",
    "Password reset",
    "Integration error",
    "Slow dashboard",
    "Billing address change",
)


def _minutes(calendar, business):
    return {"calendar": maybe(calendar, int), "business": maybe(business, int)}


class ZendeskApi(VendorApi):
    source = "zendesk"
    auth_schemes = ("Basic", "Bearer")
    routes = (
        ("GET", r"/api/v2/incremental/tickets/cursor\.json", "export"),
        ("GET", r"/api/v2/satisfaction_ratings(?:\.json)?", "ratings"),
        ("GET", r"/api/v2/users(?:\.json)?", "users"),
    )

    def __init__(self, company):
        super().__init__(company)
        self.tickets = company.tables["tickets"]
        self.ticket_rows = Rows(self.tickets)
        self.updated = self.tickets["updated"].to_numpy()
        self.ratings_ = company.tables["satisfaction_ratings"]
        self.rating_rows = Rows(self.ratings_)
        self.rated_at = self.ratings_["rated_at"].to_numpy()
        self.agents = company.accounts["zendesk"]
        self.agents_rows = Rows(self.agents)
        self.assignee = company.account_of("zendesk", "Support", self.tickets["who"].to_numpy())
        self.rating_agent = company.account_of("zendesk", "Support", self.ratings_["agent"].to_numpy())

    def error(self, status, message):
        return Response(
            status, {"error": "InvalidValue" if status == 400 else "RecordNotFound", "description": message}
        )

    def unauthorized(self):
        return Response(401, {"error": "Couldn't authenticate you"})

    def _agent_id(self, a):
        return maybe(int(a), lambda k: int(self.agents_rows[k]["account_id"]))

    def export(self, request):
        if request.query.get("cursor"):
            start = position("tickets", request.query["cursor"])
        elif request.query.get("start_time", "").isdigit():
            start = int(np.searchsorted(self.updated, int(request.query["start_time"])))
        else:
            raise BadRequest("start_time or cursor is required")
        size = request.int_arg("per_page", 1000, 1000, 1)
        lo, hi, more = page(len(self.updated), start, size)
        with_metrics = "metric_sets" in request.query.get("include", "")
        tickets = [self.ticket(request.root, i) for i in range(lo, hi)]
        base = f"{request.root}/zendesk/api/v2/incremental/tickets/cursor.json?"
        # Real Zendesk's cursor URLs carry only the cursor; the default profile's keep the parameters.
        kept = ("per_page", "include") if self.company.profile.zendesk_after_url_keeps_parameters else ()
        extra = {k: v for k, v in request.query.items() if k in kept}
        after, before = cursor("tickets", hi), cursor("tickets", lo)
        body = {
            "tickets": tickets,
            "after_cursor": after,
            "after_url": base + urlencode({"cursor": after, **extra}),
            "before_cursor": before,
            "before_url": base + urlencode({"cursor": before, **extra}),
            "end_of_stream": not more,
        }
        if with_metrics:
            body["metric_sets"] = [self.metric_set(request.root, i) for i in range(lo, hi) if not self.deleted(i)]
        return Response(200, body, served={"zendesk_tickets": [t["id"] for t in tickets]})

    def deleted(self, i) -> bool:
        """A ticket deleted since (a fixed share, picked by id): Zendesk still exports it, without metrics."""
        share = self.company.profile.zendesk_deleted_share
        return share > 0 and int(self.ticket_rows[i]["id"]) * 2654435761 % 1000 < share * 1000

    def ticket(self, root, i):
        row = self.ticket_rows[i]
        ticket_id = int(row["id"])
        return {
            "url": f"{root}/zendesk/api/v2/tickets/{ticket_id}.json",
            "id": ticket_id,
            "external_id": None,
            "via": {"channel": CHANNELS[int(row["channel"])]},
            "created_at": iso_z(row["created"]),
            "updated_at": iso_z(row["updated"]),
            "type": "question",
            "subject": SUBJECTS[int(row["subject"]) % len(SUBJECTS)],
            "priority": "normal",
            "status": "deleted" if self.deleted(i) else STATUSES[int(row["status"])],
            "requester_id": int(row["requester"]),
            "submitter_id": int(row["requester"]),
            "assignee_id": self._agent_id(self.assignee[i]),
            "organization_id": None,
            "group_id": 360_000_001,
            "tags": [CHANNELS[int(row["channel"])], "support"],
        }

    def metric_set(self, root, i):
        row = self.ticket_rows[i]
        ticket_id = int(row["id"])
        solved = maybe(int(row["solved"]), iso_z)
        assigned = None if int(row["status"]) == 0 else iso_z(row["created"])
        return {
            "url": f"{root}/zendesk/api/v2/ticket_metrics/{ticket_id}.json",
            "id": 1_000_000 + ticket_id,
            "ticket_id": ticket_id,
            "created_at": iso_z(row["created"]),
            "updated_at": iso_z(row["updated"]),
            "group_stations": 1,
            "assignee_stations": 0 if assigned is None else 1,
            "reopens": 0,
            "replies": 0 if row["reply_min"] != row["reply_min"] else 1 + ticket_id % 3,
            "initially_assigned_at": assigned,
            "assigned_at": assigned,
            "solved_at": solved,
            "status_updated_at": iso_z(row["updated"]),
            "reply_time_in_minutes": _minutes(row["reply_min"], row["reply_bmin"]),
            "first_resolution_time_in_minutes": _minutes(row["resolution_min"], row["resolution_bmin"]),
            "full_resolution_time_in_minutes": _minutes(row["resolution_min"], row["resolution_bmin"]),
        }

    def _cursor_page(self, request, tag, lo_all, hi_all, path):
        """Zendesk cursor pagination (`page[size]`, `page[after]`) over rows [lo_all, hi_all)."""
        size = request.int_arg("page[size]", 100, 100, 1)
        start = max(lo_all, position(tag, request.query.get("page[after]")))
        lo, hi, _ = page(hi_all, start, size)
        more = hi < hi_all
        after, before = cursor(tag, hi), cursor(tag, lo)
        query = {k: v for k, v in request.query.items() if k != "page[after]"}
        meta = {"has_more": more, "after_cursor": after if more else None, "before_cursor": before}
        links = {
            "prev": None,
            "next": f"{request.root}/zendesk{path}?{urlencode({**query, 'page[after]': after})}" if more else None,
        }
        return lo, hi, meta, links

    def ratings(self, request):
        start = request.query.get("start_time", "0")
        end = request.query.get("end_time", str(2**40))
        if not (start.isdigit() and end.isdigit()):
            raise BadRequest("start_time and end_time must be unix timestamps")
        lo_all = int(np.searchsorted(self.rated_at, int(start)))
        hi_all = int(np.searchsorted(self.rated_at, int(end)))
        lo, hi, meta, links = self._cursor_page(request, f"ratings:{start}:{end}", lo_all, hi_all, request.path)
        body = [self.rating(request.root, k) for k in range(lo, hi)]
        return Response(
            200,
            {"satisfaction_ratings": body, "meta": meta, "links": links},
            served={"zendesk_satisfaction_ratings": [r["id"] for r in body]},
        )

    def rating(self, root, k):
        row = self.rating_rows[k]
        rating_id = int(row["id"])
        score = SCORES[int(row["score"])]
        return {
            "url": f"{root}/zendesk/api/v2/satisfaction_ratings/{rating_id}.json",
            "id": rating_id,
            "assignee_id": self._agent_id(self.rating_agent[k]),
            "group_id": 360_000_001,
            "requester_id": int(row["requester"]),
            "ticket_id": int(row["ticket"]),
            "score": score,
            "created_at": iso_z(row["rated_at"]),
            "updated_at": iso_z(row["rated_at"]),
            "comment": "Thanks for the quick help!" if score == "good" and rating_id % 4 == 0 else None,
        }

    def users(self, request):
        role = request.query.get("role", "agent")
        total = len(self.agents) if role == "agent" else 0
        lo, hi, meta, links = self._cursor_page(request, "users", 0, total, request.path)
        body = [
            {
                "id": int(self.agents_rows[a]["account_id"]),
                "url": f"{request.root}/zendesk/api/v2/users/{int(self.agents_rows[a]['account_id'])}.json",
                "name": self.agents_rows[a]["name"],
                "email": self.agents_rows[a]["email"],
                "role": "agent",
                "active": bool(self.agents_rows[a]["active"]),
            }
            for a in range(lo, hi)
        ]
        return Response(
            200, {"users": body, "meta": meta, "links": links}, served={"zendesk_agents": [u["id"] for u in body]}
        )
