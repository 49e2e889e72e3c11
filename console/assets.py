"""htmx and Chart.js, served by Loa from their PyPI packages: the console works with no internet."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import abort, send_from_directory

from console.blueprint import bp

HERE = Path(__file__).resolve().parent
# name -> (package that ships it, folder inside the package). Found without importing the packages: their
# Python code is for Django, only their static files are used.
VENDOR = {
    "htmx.min.js": ("js_lib_htmx", "static/htmx"),
    "chart.min.js": ("chartjs", "static/js"),
}
_FILE = {"chart.min.js": "Chart.min.js"}


def vendor_dir(name: str) -> Path:
    """The folder holding vendored file `name` inside its installed package."""
    package, folder = VENDOR[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{package} is not installed (pip install -r requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / folder


@bp.get("/vendor/<name>")
def vendor(name: str):
    """A vendored script (cached for a day: the file changes only with the package's pinned version)."""
    if name not in VENDOR:
        abort(404)
    return send_from_directory(vendor_dir(name), _FILE.get(name, name), max_age=86400)


@bp.get("/static/<path:name>")
def static(name: str):
    """The console's own CSS and scripts."""
    return send_from_directory(HERE / "static", name, max_age=3600)


vendor.public = static.public = True
