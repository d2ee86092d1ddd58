"""BambooHR custom report: all employees, string values, unknown fields dropped."""

import pandas as pd

from .common import Response, VendorApi

FIELD_TYPES = {
    "id": "int",
    "employeeNumber": "text",
    "firstName": "text",
    "lastName": "text",
    "displayName": "text",
    "workEmail": "email",
    "gender": "gender",
    "status": "status",
    "hireDate": "date",
    "terminationDate": "date",
    "department": "list",
    "jobTitle": "list",
    "location": "list",
    "supervisorEId": "int",
    "supervisor": "text",
    "payRate": "currency",
    "payType": "pay_type",
}
# The company's custom fields, under the names its profile gives them (the pipeline's name -> type).
CUSTOM_FIELD_TYPES = {
    "level": "list",
    "payRangeMin": "currency",
    "payRangeMidpoint": "currency",
    "payRangeMax": "currency",
    "regrettableTermination": "list",
}


class BambooHrApi(VendorApi):
    source = "bamboohr"
    auth_schemes = ("Basic",)
    routes = (("POST", r"(?:/api/gateway\.php/[^/]+)?/v1/reports/custom", "report"),)

    def unauthorized(self):
        return Response(401, b"", {"X-BambooHR-Error-Message": "Invalid API key"})

    def error(self, status, message):
        return Response(status, b"", {"X-BambooHR-Error-Message": message})

    def __init__(self, company):
        super().__init__(company)
        self.custom = company.profile.hris_custom_fields
        self.field_types = {**FIELD_TYPES, **{self.custom[name]: kind for name, kind in CUSTOM_FIELD_TYPES.items()}}

    def _employee(self, p, names):
        profile = self.company.profile
        words = profile.hris_regrettable_words
        regrettable = "" if pd.isna(p.regrettable) else (words[0] if p.regrettable else words[1])

        def money(value):  # BambooHR sends an empty string for an empty field
            return "" if pd.isna(value) else f"{value:.2f}{profile.hris_money_suffix}"

        custom = {
            "level": p.level,
            "payRangeMin": money(p.pay_range_min),
            "payRangeMidpoint": money(p.pay_range_midpoint),
            "payRangeMax": money(p.pay_range_max),
            "regrettableTermination": regrettable,
        }
        return {
            "id": p.employee_id,
            "employeeNumber": p.employee_id,
            "firstName": p.first_name,
            "lastName": p.last_name,
            "displayName": p.display_name,
            "workEmail": p.work_email,
            "gender": p.gender,
            "status": p.status,
            "hireDate": p.hire_date.isoformat(),
            "terminationDate": p.termination_date.isoformat() if p.termination_date else "0000-00-00",
            "department": p.department,
            "jobTitle": p.job_title,
            "location": p.location,
            "supervisorEId": p.manager_id,
            "supervisor": names.get(p.manager_id),
            "payRate": f"{p.salary:.2f} USD",
            "payType": "Salary",
            **{self.custom[name]: value for name, value in custom.items()},
        }

    def report(self, request):
        if request.query.get("format", "").upper() != "JSON":
            return self.error(400, "Only format=JSON is supported by the sandbox")
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("fields"), list):
            return self.error(400, "The request body must be a JSON object with a 'fields' list")
        fields = ["id"] + [f for f in body["fields"] if f in self.field_types and f != "id"]
        people = self.company.hris_people
        names = dict(zip(people["employee_id"], people["display_name"]))
        employees = [{f: row[f] for f in fields} for row in (self._employee(p, names) for p in people.itertuples())]
        return Response(
            200,
            {
                "title": body.get("title") or "Custom report",
                "fields": [{"id": f, "type": self.field_types[f], "name": f} for f in fields],
                "employees": employees,
            },
            served={"bamboohr_employees": [e["id"] for e in employees]},
        )
