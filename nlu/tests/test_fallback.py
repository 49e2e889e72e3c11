"""The degraded-mode matcher, fitted on a toy data set."""
from pathlib import Path

import pytest

from nlu.fallback import FallbackMatcher, get_matcher
from nlu.data import load_examples

pytestmark = pytest.mark.nodb
TOY = Path(__file__).parent / "fixtures" / "toy_data.yml"


@pytest.fixture(scope="module")
def matcher():
    return get_matcher([TOY])


@pytest.mark.parametrize("text, intent", [
    ("xin chào", "greet"),
    ("chao ban nhe", "greet"),
    ("cảm ơn nhiều", "thanks"),
    ("cách ly mấy ngày vậy", "faq/quarantine"),
    ("cach ly bao nhieu ngay", "faq/quarantine"),
    ("đeo khẩu trang vải được không", "faq/masks"),
    ("deo khau trang vai dc ko", "faq/masks"),
    ("tôi bị sốt", "declare_health"),
    ("giá vàng hôm nay thế nào", "out_of_scope"),
])
def test_classifies_toy_examples(matcher, text, intent):
    result = matcher.parse(text)
    assert result.intent == intent
    assert result.source == "fallback"
    assert result.ranking[0] == (intent, result.confidence)
    assert all(isinstance(name, str) and isinstance(conf, float) for name, conf in result.ranking)


def test_ranking_is_sorted_and_lists_the_alternatives(matcher):
    result = matcher.parse("cách ly ở nhà có được đeo khẩu trang không")
    confidences = [c for _, c in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert {"faq/quarantine", "faq/masks"} <= {name for name, _ in result.ranking[:3]}


def test_empty_and_emoji_only(matcher):
    for text in ("", "😷😷", "!!!"):
        result = matcher.parse(text)
        assert (result.intent, result.confidence, result.source) == ("nlu_fallback", 0.0, "fallback")


def test_fitted_once_per_process(matcher):
    assert get_matcher([TOY]) is matcher


def test_low_confidence_becomes_nlu_fallback():
    strict = FallbackMatcher(load_examples([TOY]), threshold=1.01)
    assert strict.parse("xin chào").intent == "nlu_fallback"


def test_needs_two_intents():
    with pytest.raises(ValueError):
        FallbackMatcher([("xin chào", "greet")])
