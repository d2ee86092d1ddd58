"""Salesforce REST query API: a small SOQL subset over Opportunity and User, 2000-record batches."""

import base64
import binascii
import re
from datetime import date, datetime

import numpy as np

from ..activity import OPEN_STAGES, OPP_TYPES
from ..timeline import epoch
from .common import BadRequest, Response, Rows, VendorApi, iso_date, iso_millis

API = "/services/data/v62.0"
_SOQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?P<dir>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.I | re.S,
)
_CONDITION = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|=|<|>)\s*(\S+)\s*$")
OPERATORS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    "=": np.equal,
    "!=": np.not_equal,
    ">": np.greater,
    "<": np.less,
}


class MalformedQuery(BadRequest):
    pass


def _literal(text: str) -> int:
    """A SOQL date or datetime literal as epoch seconds."""
    try:
        if len(text) == 10:
            return epoch(date.fromisoformat(text))
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise MalformedQuery(f"value of filter criterion is not of the right type: {text}") from None


class SalesforceApi(VendorApi):
    source = "salesforce"
    batch_size = 2000
    auth_schemes = ("Bearer", "OAuth")
    routes = (
        ("GET", r"/services/data/v\d+\.\d+/query", "query"),
        ("GET", r"/services/data/v\d+\.\d+/query/([A-Za-z0-9_-]+)", "query_more"),
    )

    def __init__(self, company):
        super().__init__(company)
        self.opps = company.tables["opportunities"]
        self.opp_rows = Rows(self.opps)
        self.users = company.accounts["salesforce"]
        self.user_rows = Rows(self.users)
        self.owner = company.account_of("salesforce", "Sales", self.opps["who"].to_numpy())
        # Filterable columns (epoch seconds) per object.
        self.filters = {
            "opportunity": {
                "lastmodifieddate": self.opps["modified"].to_numpy(),
                "createddate": self.opps["created"].to_numpy(),
                "closedate": self.opps["close_date"].to_numpy() // 86_400 * 86_400,
            }
        }
        self.fields = {
            "opportunity": (
                "Id",
                "Name",
                "AccountId",
                "Amount",
                "StageName",
                "IsWon",
                "IsClosed",
                "CloseDate",
                "OwnerId",
                "CreatedDate",
                "LastModifiedDate",
                "Type",
            ),
            "user": ("Id", "Name", "Email", "Username", "IsActive"),
        }

    def error(self, status, message):
        return Response(
            status, [{"message": message, "errorCode": "MALFORMED_QUERY" if status == 400 else "NOT_FOUND"}]
        )

    def unauthorized(self):
        return Response(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])

    def _rows(self, soql: str):
        match = _SOQL.match(soql or "")
        if not match:
            raise MalformedQuery(f"unexpected token in query: {soql!r}")
        obj = match["object"].lower()
        if obj not in self.fields:
            raise MalformedQuery(f"sObject type '{match['object']}' is not supported.")
        known = {f.lower(): f for f in self.fields[obj]}
        fields = [f.strip() for f in match["fields"].split(",")]
        if any(f.lower() not in known for f in fields):
            bad = next(f for f in fields if f.lower() not in known)
            raise MalformedQuery(f"No such column '{bad}' on entity '{match['object']}'.")
        total = len(self.opps) if obj == "opportunity" else len(self.users)
        keep = np.ones(total, dtype=bool)
        for condition in re.split(r"\s+AND\s+", match["where"] or "", flags=re.I) if match["where"] else []:
            parts = _CONDITION.match(condition)
            if not parts or parts[1].lower() not in self.filters.get(obj, {}):
                raise MalformedQuery(f"unsupported filter: {condition.strip()!r}")
            keep &= OPERATORS[parts[2]](self.filters[obj][parts[1].lower()], _literal(parts[3]))
        rows = np.flatnonzero(keep)
        if (match["dir"] or "").upper() == "DESC":
            rows = rows[::-1]
        if match["limit"]:
            rows = rows[: int(match["limit"])]
        return obj, [known[f.lower()] for f in fields], rows

    def query(self, request):
        return self._batch(request, request.query.get("q", ""), 0)

    def query_more(self, request, locator):
        encoded, _, offset = locator.rpartition("-")
        try:
            soql = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return Response(400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}])
        return self._batch(request, soql, start)

    def _batch(self, request, soql, start):
        obj, fields, rows = self._rows(soql)
        batch = rows[start : start + self.batch_size]
        render = self.opportunity if obj == "opportunity" else self.user
        records = [render(int(i), fields) for i in batch]
        body = {"totalSize": len(rows), "done": start + self.batch_size >= len(rows), "records": records}
        if not body["done"]:
            locator = base64.urlsafe_b64encode(soql.encode()).decode().rstrip("=")
            body["nextRecordsUrl"] = f"/salesforce{API}/query/{locator}-{start + self.batch_size}"
        served = {
            "salesforce_opportunities" if obj == "opportunity" else "salesforce_users": [
                r["Id"] for r in records if "Id" in r
            ]
        }
        return Response(200, body, served=served)

    def opportunity(self, i, fields):
        row = self.opp_rows[i]
        stage = int(row["stage"])
        owner = int(self.owner[i])
        account = f"001{int(row['account']):015d}"
        values = {
            "Id": row["sf_id"],
            "Name": f"Account {int(row['account'])} - {OPP_TYPES[int(row['type'])]}",
            "AccountId": account,
            "Amount": None if row["amount"] != row["amount"] else float(row["amount"]),
            "StageName": {-1: "Closed Won", -2: "Closed Lost"}.get(stage) or OPEN_STAGES[stage],
            "IsWon": bool(row["won"]),
            "IsClosed": bool(row["closed"]),
            "CloseDate": iso_date(row["close_date"]),
            "OwnerId": self.user_rows[owner]["account_id"],
            "CreatedDate": iso_millis(row["created"]),
            "LastModifiedDate": iso_millis(row["modified"]),
            "Type": OPP_TYPES[int(row["type"])],
        }
        return self._record("Opportunity", row["sf_id"], values, fields)

    def user(self, a, fields):
        acc = self.user_rows[a]
        values = {
            "Id": acc["account_id"],
            "Name": acc["name"],
            "Email": acc["email"],
            "Username": acc["email"],
            "IsActive": bool(acc["active"]),
        }
        return self._record("User", acc["account_id"], values, fields)

    @staticmethod
    def _record(kind, record_id, values, fields):
        return {
            "attributes": {"type": kind, "url": f"{API}/sobjects/{kind}/{record_id}"},
            **{f: values[f] for f in fields},
        }
