"""Vetted FAQ answers: the issuing authority is named in the reader's language."""
from __future__ import annotations

import pytest
import yaml

from bot import faq

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("lang, authority", [
    ("vi", "Tổ chức Y tế Thế giới (WHO); Thủ tướng Chính phủ"),
    ("en", "World Health Organization (WHO); Prime Minister"),
])
def test_the_authority_is_named_in_the_readers_language(lang, authority):
    assert faq.get_answer("faq/covid_basics", lang).authority == authority


def test_every_authority_has_an_english_name():
    data = yaml.safe_load(faq.ANSWERS_FILE.read_text(encoding="utf-8"))
    named = {part.strip() for entry in data["answers"].values() for part in entry["authority"].split(";")}
    assert named <= set(data["authorities"]["en"]), named - set(data["authorities"]["en"])
