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


@pytest.mark.parametrize("path", ["/console/?commune=²", "/console/declarations?commune=²",
                                  "/console/declarations?page=99999999999999999999999", "/console/audit?before=²",
                                  "/console/audit?before=99999999999999999999999999"])
def test_odd_query_values_are_ignored_not_a_500(signed_in, path):
    assert signed_in["admin"].get(path).status_code == 200


@pytest.mark.nodb
def test_a_broken_xlsx_sheet_is_refused_not_a_500():
    import io
    import zipfile

    from openpyxl import Workbook

    from console.xlsx import xlsx_rows
    from ivr.importer import ImportRefused

    book, good, broken = Workbook(), io.BytesIO(), io.BytesIO()
    book.active.append(["phone", "name"])
    book.active.append(["0912345678", "A"])
    book.save(good)
    with zipfile.ZipFile(io.BytesIO(good.getvalue())) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[:len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    assert xlsx_rows(good.getvalue()) == [{"phone": "0912345678", "name": "A"}]
    with pytest.raises(ImportRefused):
        xlsx_rows(broken.getvalue())
