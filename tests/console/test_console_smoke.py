"""Every console page answers a signed-in admin (the quickest check that templates render)."""
from __future__ import annotations

import pytest

PAGES = ["/console/", "/console/alerts", "/console/alerts/queue", "/console/declarations", "/console/tracing",
         "/console/campaigns", "/console/campaigns/new", "/console/questions", "/console/audit",
         "/console/data-requests", "/console/simulator", "/console/vendor/htmx.min.js",
         "/console/vendor/chart.min.js", "/console/static/console.css", "/console/?commune=1"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_for_admin(signed_in, path):
    response = signed_in["admin"].get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def test_language_switch(signed_in):
    client = signed_in["admin"]
    assert "Hôm nay" in client.get("/console/").get_data(as_text=True)
    client.get("/console/lang/en")
    assert "Today" in client.get("/console/").get_data(as_text=True)
