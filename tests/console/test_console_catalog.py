"""Every text of the console (its Python and its templates) has a Vietnamese translation in console.po."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.i18n import TRANSLATIONS

CONSOLE = Path(__file__).resolve().parents[2] / "console"
# _("..."), N_('...'), gettext("...") in .py and .html files
MSG = re.compile(r"""(?<![A-Za-z0-9_])(?:N_|_|gettext)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
pytestmark = pytest.mark.nodb


def console_messages() -> set[str]:
    """Every msgid written in the console's code and templates."""
    found = set()
    for path in [*CONSOLE.rglob("*.py"), *CONSOLE.rglob("*.html")]:
        for match in MSG.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            found.add(text.replace("\\'", "'").replace('\\"', '"'))
    return found


def _catalog(lang: str) -> dict[str, str]:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "console.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_console_text_is_translated(lang):
    messages = console_messages()
    assert len(messages) > 150  # the scan did find the pages' texts
    catalog = _catalog(lang)
    assert sorted(m for m in messages if not catalog.get(m)) == []


def test_vietnamese_keeps_every_placeholder():
    for msgid, text in _catalog("vi").items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", text)), msgid
