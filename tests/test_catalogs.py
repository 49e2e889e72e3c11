"""Every citizen-facing text in the code has a Vietnamese translation in the Babel catalogs."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.i18n import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
# The keywords of `make extract-messages`.
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)}
pytestmark = pytest.mark.nodb


def _code_messages() -> set[str]:
    found = set()
    for package in ("bot", "ivr", "nlu", "broadcasts", "core"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS,
                directory_filter=lambda d: Path(d).name not in (".venv", "tests", "models", "__pycache__")):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _translated(lang: str) -> set[str]:
    done = set()
    for po in (TRANSLATIONS / lang / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            done |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id and m.string}
    return done


def test_every_message_in_the_code_is_translated_into_vietnamese():
    messages = _code_messages()
    assert len(messages) > 100  # the extraction did find the code's messages
    assert sorted(messages - _translated("vi")) == []
