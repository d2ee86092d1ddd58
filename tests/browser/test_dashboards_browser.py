"""The published dashboards in a real browser (Debian's Chromium driven by Playwright): the pages the Dagster
asset publishes, opened through ``make serve``'s server with the header the SSO proxy sets, draw every chart,
log no error and send no request anywhere but the server; names and comments from the sources stay text.
Screenshots land in ``TEST_ARTIFACTS_DIR``."""

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboards import SiteData, build_site
from dashboards.access import AccessSettings, access_map, write_access_map
from dashboards.location import access_map_path
from orchestration.assets.dashboards import dashboard_site, site_data
from tests.serving import dashboards_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or REPO / "test-artifacts" / "screenshots")
GRAPHS = "div.fig, div.plotly-graph-div"  # the containers figures are drawn into (the builder's, plotly's own)
RENDER_TIMEOUT_MS = 20_000
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_COMMENT = "<script>alert(1)</script>"
HR_READER = "hr-reader@example.com"  # SERVE_HR_EMAILS of these tests: opens every page


@dataclass
class Visit:
    """One page opened in its own browser context, with everything it did on the way."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # responses of 400 and above


@dataclass(frozen=True)
class Served:
    """A published site and the server serving it."""

    url: str
    folder: Path

    def path_of(self, url: str) -> str:
        """The page a URL of this server opens, relative to the site root."""
        assert url.startswith(self.url + "/"), url
        return urlparse(url).path.removeprefix("/")


@contextlib.contextmanager
def serving(folder: Path, logs: Path) -> Iterator[Served]:
    env = {"DASHBOARDS_DIR": str(folder), "SERVE_ACCESS_LOG": str(logs / "access.log")}
    with dashboards_server(env, logs / "server.out") as url:
        yield Served(url, folder)


@pytest.fixture(scope="session")
def site(analysed, tmp_path_factory) -> Path:
    """The site (and access map) the Dagster asset publishes from the session's warehouse."""
    warehouse, result = analysed
    assert result.success
    folder = tmp_path_factory.mktemp("published") / "dashboards"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DASHBOARDS_DIR", str(folder))
        env.setenv("SERVE_HR_EMAILS", HR_READER)
        assert dg.materialize(
            [dashboard_site], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
        ).success
    assert (folder / "index.html").is_file()
    return folder


@pytest.fixture(scope="session")
def served(site, tmp_path_factory) -> Iterator[Served]:
    with serving(site, tmp_path_factory.mktemp("serve-logs")) as server:
        yield server


@pytest.fixture(scope="session")
def data(analysed) -> SiteData:
    warehouse, _ = analysed
    with warehouse.connect() as con:
        return site_data(con)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser) -> Iterator[Callable[..., Visit]]:
    """Open a page (optionally follow the first link matching ``follow``), wait for its charts."""
    contexts = []

    def open_page(served: Served, path: str, follow: str | None = None, email: str = HR_READER) -> Visit:
        # The proxy's header on every request, as oauth2-proxy sets it for the signed-in user.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, extra_http_headers={"X-Forwarded-Email": email}
        )
        contexts.append(context)
        # Anything but the server is refused, so a page that tries to phone home cannot.
        context.route(lambda url: not url.startswith(served.url + "/"), lambda route: route.abort())
        page = context.new_page()
        seen = Visit(page)
        context.on("request", lambda request: seen.requests.append(request.url))
        context.on("response", lambda r: seen.refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{served.url}/{path}", wait_until="load")
        if follow:
            with page.expect_navigation(wait_until="load"):
                page.locator(follow).first.click()
        with contextlib.suppress(PlaywrightTimeout):  # the chart assertions say which figure is missing
            page.wait_for_function(
                "sel => [...document.querySelectorAll(sel)].every(g => g.querySelector('.main-svg'))",
                arg=GRAPHS,
                timeout=RENDER_TIMEOUT_MS,
            )
        return seen

    yield open_page
    for context in contexts:
        context.close()


def charts(page: Page) -> dict:
    return page.evaluate(
        """sel => {
        const graphs = [...document.querySelectorAll(sel)];
        let shipped = [];  // figures the page carries as JSON for its own script to draw, if it does so
        try { shipped = JSON.parse(document.getElementById('figures').textContent).figures.map(f => f.id); }
        catch (e) { shipped = []; }
        return {
            containers: graphs.length,
            plotted: document.querySelectorAll('.js-plotly-plot').length,
            blank: graphs.filter(g => !(g.classList.contains('js-plotly-plot') && g.querySelector('.main-svg')))
                         .map(g => g.id || g.outerHTML.slice(0, 80)),
            homeless: shipped.filter(id => !document.getElementById(id)),
        };
    }""",
        GRAPHS,
    )


def visible_text(page: Page) -> str:
    """The page's text as a reader sees it, chart labels included."""
    return page.evaluate("""() => [document.body.innerText,
        ...[...document.querySelectorAll('svg text')].map(t => t.textContent)].join('\\n')""")


def assert_offline_clean_and_drawn(seen: Visit, served: Served, screenshot: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{screenshot}.png"
    seen.page.screenshot(path=shot, full_page=True)  # first, so a failing page leaves its picture too
    assert shot.stat().st_size > 0
    leaving = [url for url in seen.requests if not url.startswith(served.url + "/")]
    assert leaving == [], f"requests to anywhere but the server: {leaving}"
    assert seen.refused == [], f"requests the server refused: {seen.refused}"
    assert seen.errors == []
    drawn = charts(seen.page)
    assert drawn["blank"] == [], f"charts not rendered: {drawn}"
    assert drawn["plotted"] == drawn["containers"], drawn
    assert drawn["homeless"] == [], f"figures with no place on the page: {drawn}"


def test_every_link_on_the_index_opens_a_page_of_the_site(served, visit):
    seen = visit(served, "index.html")
    hrefs = seen.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert hrefs
    relative = {served.path_of(href) for href in hrefs}
    missing = sorted(t for t in relative if not (served.folder / t).is_file())
    assert missing == []
    assert {
        "executive.html",
        "hr/calibration.html",
        "hr/merit.html",
        "hr/promotion.html",
        "hr/unmatched-accounts.html",
    } <= relative
    assert any(r.startswith("people/") for r in relative)
    assert any(r.startswith("managers/") for r in relative)


@pytest.mark.parametrize(
    ("name", "follow", "min_charts"),
    [
        ("index", None, 0),
        ("individual", 'a[href*="people/"]', 1),
        ("manager", 'a[href*="managers/"]', 1),
        ("executive", 'a[href*="executive.html"]', 1),
        ("calibration", 'a[href*="hr/calibration.html"]', 2),
        ("calibration-pack", 'a[href*="hr/calibration-pack-"]', 0),
    ],
)
def test_page_draws_every_chart_offline_without_errors(served, visit, name, follow, min_charts):
    seen = visit(served, "index.html", follow=follow)
    if follow:
        assert seen.page.url != f"{served.url}/index.html", "the index link did not navigate"
    assert charts(seen.page)["containers"] >= min_charts
    assert_offline_clean_and_drawn(seen, served, name)


def test_individual_page_shows_no_other_employees_name(served, visit, data):
    """Signed in as the first person of the index: their start page leads to their own page, naming no one else."""
    first = served.path_of(visit(served, "index.html", follow='a[href*="people/"]').page.url)
    own_id = Path(first).stem
    employees = data.employees
    email = employees.loc[employees["employee_id"] == own_id, "work_email"].iloc[0]
    seen = visit(served, "", follow='a[href*="people/"]', email=email)
    assert served.path_of(seen.page.url) == first
    assert_offline_clean_and_drawn(seen, served, "individual-signed-in")
    own_name = employees.loc[employees["employee_id"] == own_id, "full_name"].iloc[0]
    text = visible_text(seen.page)
    assert own_name in text
    others = set(employees.loc[employees["employee_id"] != own_id, "full_name"].dropna()) - {own_name}
    shown = sorted(n for n in others if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    assert shown == []


def hostile_target(data: SiteData) -> tuple[str, str]:
    """(employee, manager): the active individual contributor with comments in the latest cycle who scored lowest
    last quarter, so their manager's page lists them too (people at risk, bottom performers)."""
    latest = data.comments["cycle"].max()
    commented = set(data.comments.loc[data.comments["cycle"] == latest, "employee_id"])
    quarters = data.performance[data.performance["period_type"] == "quarter"]
    scores = quarters[quarters["period_start"] == quarters["period_start"].max()][["employee_id", "performance_score"]]
    people = data.employees[
        data.employees["is_active"].astype(bool)
        & (data.employees["direct_reports"] == 0)
        & data.employees["manager_id"].notna()
        & data.employees["employee_id"].isin(commented)
    ]
    person = people.merge(scores, on="employee_id").sort_values(["performance_score", "employee_id"]).iloc[0]
    return person["employee_id"], person["manager_id"]


@pytest.fixture(scope="session")
def hostile_site(data, tmp_path_factory) -> Iterator[tuple[Served, str, str]]:
    """A site built from the session's data after one person's name and comment were replaced by markup."""
    employee_id, manager_id = hostile_target(data)
    employees = data.employees.copy()
    employees.loc[employees["employee_id"] == employee_id, "full_name"] = HOSTILE_NAME
    comments = data.comments.copy()
    theirs = comments[(comments["employee_id"] == employee_id) & (comments["cycle"] == comments["cycle"].max())]
    comments.loc[theirs.index[0], "comment"] = HOSTILE_COMMENT
    folder = tmp_path_factory.mktemp("hostile") / "dashboards"
    hostile = replace(data, employees=employees, comments=comments)
    build_site(hostile, folder)
    write_access_map(access_map(hostile, AccessSettings()), access_map_path(folder))
    with serving(folder, tmp_path_factory.mktemp("hostile-logs")) as server:
        yield server, employee_id, manager_id


@pytest.mark.parametrize("page_of", ["people", "managers"])
def test_markup_in_names_and_comments_stays_text(hostile_site, visit, data, page_of):
    """Read by their manager, who may open both pages."""
    served, employee_id, manager_id = hostile_site
    path = f"{page_of}/{employee_id if page_of == 'people' else manager_id}.html"
    assert (served.folder / path).is_file()
    email = data.employees.loc[data.employees["employee_id"] == manager_id, "work_email"].iloc[0]
    seen = visit(served, path, email=email)
    assert seen.dialogs == []
    page = seen.page
    assert page.evaluate("() => [...document.images].filter(i => i.getAttribute('src') === 'x').length") == 0
    assert not any(urlparse(url).path.endswith("/x") for url in seen.requests)
    assert page.evaluate("() => [...document.scripts].filter(s => s.textContent.trim() === 'alert(1)').length") == 0
    assert page.locator("[onerror]").count() == 0
    assert page.get_by_text(HOSTILE_NAME).first.is_visible()
    if page_of == "people":
        assert page.get_by_text(HOSTILE_COMMENT).first.is_visible()
    assert_offline_clean_and_drawn(seen, served, f"hostile-{page_of}")


def test_calibration_pages_show_the_workflow_a_committee_decides_on(served, visit, data):
    report = visit(served, "hr/calibration.html")
    text = visible_text(report.page)
    # The distribution chart carries the final ratings beside the submitted, suggested and target.
    assert "Final (meeting's decision, else submitted)" in text and "Suggested by the calibration" in text
    assert "Rating history" in text and "decided" in text
    pack_link = report.page.locator('a[href*="calibration-pack-"]').first
    with report.page.expect_navigation(wait_until="load"):
        pack_link.click()
    pack = visible_text(report.page)
    for heading in ("Distribution against the target", "Boundary cases", "Outliers and their evidence",
                    "Managers furthest from the target", "Decisions still missing"):  # fmt: skip
        assert heading in pack
    report.page.emulate_media(media="print")
    assert report.page.locator("header .nav").first.is_hidden()  # the printed pack leaves the navigation out
    assert_offline_clean_and_drawn(report, served, "calibration-pack-print")


def test_manager_page_lists_the_whole_roster_with_final_ratings(served, visit, data):
    seen = visit(served, "index.html", follow='a[href*="managers/"]')
    manager_id = Path(served.path_of(seen.page.url)).stem
    lines = data.employees
    reports = lines[lines["manager_id"] == manager_id]
    roster = seen.page.locator("h2:has-text('Everyone in my reporting line') + div table, "
                               "h2:has-text('Everyone in my reporting line') + table").first  # fmt: skip
    rows = roster.locator("tbody tr")
    assert rows.count() >= len(reports[reports["is_active"].astype(bool)])
    assert "Final rating" in roster.inner_text() and "Your rating inflation" in visible_text(seen.page)
