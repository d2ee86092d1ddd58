"""Performance dashboards: offline HTML pages (individual, manager, executive, HR) built from warehouse frames."""

from .data import SiteData
from .site import SiteReport, build_site

__all__ = ["SiteData", "SiteReport", "build_site"]
