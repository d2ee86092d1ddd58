"""`make serve`'s settings: the defaults the docs promise, the site and access map found by the same rule as
the dashboards asset uses, and which client addresses count as the proxy."""

import ipaddress
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from dashboards.access import AccessSettings
from dashboards.server import ServeSettings, trusted
from orchestration.assets.dashboards import dashboards_dir
from orchestration.resources import Warehouse


def test_defaults_listen_on_loopback_and_trust_only_loopback(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = ServeSettings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.trusted_proxies == {ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")}
    assert settings.site == tmp_path / "data" / "dashboards"
    assert settings.access_map == tmp_path / "data" / "dashboards.access.json"  # beside the site, not in it
    assert settings.access_log == tmp_path / "data" / "access.log"


@pytest.mark.parametrize("dashboards", [None, "published/site"])
def test_the_server_finds_the_site_where_the_dashboards_asset_writes_it(monkeypatch, tmp_path, dashboards):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "elsewhere" / "w.duckdb"))
    if dashboards:
        monkeypatch.setenv("DASHBOARDS_DIR", dashboards)
    else:
        monkeypatch.delenv("DASHBOARDS_DIR", raising=False)
    assert ServeSettings.from_env(os.environ).site == dashboards_dir(Warehouse())


def test_settings_from_the_environment():
    settings = ServeSettings.from_env(
        {"SERVE_PORT": "9001", "SERVE_TRUSTED_PROXIES": " 10.0.0.5 , fd00::1", "SERVE_ACCESS_LOG": "/var/log/p.log"}
    )
    assert settings.port == 9001 and settings.access_log == Path("/var/log/p.log")
    assert settings.trusted_proxies == {ipaddress.ip_address("10.0.0.5"), ipaddress.ip_address("fd00::1")}
    with pytest.raises(ValidationError, match="trusted_proxies"):
        ServeSettings.from_env({"SERVE_TRUSTED_PROXIES": "proxy.corp.example"})
    hr = AccessSettings.from_env(
        {"SERVE_HR_EMAILS": " Ann.Lee@Corp.Example,,bo@corp.example", "SERVE_HR_DEPARTMENTS": "HR"}
    )
    assert hr.hr_emails == {"ann.lee@corp.example", "bo@corp.example"} and hr.hr_departments == {"hr"}


def test_only_the_proxy_addresses_are_trusted():
    proxies = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
    assert trusted("127.0.0.1", proxies) and trusted("::1", proxies) and trusted("::ffff:127.0.0.1", proxies)
    assert not any(trusted(c, proxies) for c in ["127.0.0.2", "10.0.0.1", "::2", "localhost", "", None])
