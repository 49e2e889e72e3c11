"""Words that work anywhere: which language a typed request names."""
from __future__ import annotations

import pytest

from bot.menu import language_named

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text, lang", [
    ("noi tieng anh di", "en"),
    ("English please", "en"),
    ("anh oi chuyen sang tieng viet", "vi"),  # "anh" here is "you", not English
    ("tu tieng anh sang tieng viet", "vi"),  # both named: the one asked for comes last
    ("switch from Vietnamese to English", "en"),
    ("anh oi", None),
    ("", None),
])
def test_language_named(text, lang):
    assert language_named(text) == lang
