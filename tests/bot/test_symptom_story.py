"""A symptom told as a story gets a kind answer with what to do now (115 first for a danger sign), then the offer
to declare; it never jumps straight to the name question. A question about symptoms in general is a FAQ."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import handle
from bot.messages import Inbound
from core.models import Alert

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def _ask(settings, user, text, lang="vi"):
    replies = handle(settings, Inbound(channel="zalo", user_id=user, text=text, language_code=lang))
    return replies, "\n".join(r.text for r in replies), [b.payload.split("@")[0] for r in replies for b in r.buttons]


@pytest.mark.parametrize("story, named", [
    ("ba bi ho voi sot tu hom qua thi phai lam sao", "sốt và ho"),
    ("Mẹ tôi bị sốt từ hôm qua, phải làm sao ạ", "sốt"),
    ("con toi bi sot 3 ngay nay roi", "sốt"),
    ("My mother has had a fever and a cough since yesterday, what should I do?", "fever and cough"),
])
def test_a_story_gets_kindness_and_what_to_do_then_the_offer_to_declare(settings, story, named):
    lang = "en" if story.startswith("My") else "vi"
    _replies, text, buttons = _ask(settings, f"s-{abs(hash(story))}", story, lang)
    assert named in text.lower() and "/declare" in buttons
    assert "paracetamol" in text and "họ và tên" not in text.lower() and "full name" not in text.lower()


def test_a_named_danger_sign_comes_first_with_115_and_staff_are_alerted(settings, db):
    replies, text, _buttons = _ask(settings, "s-danger", "bo toi bi kho tho va dau nguc tu sang nay")
    assert text.startswith("Khó thở, Đau hoặc tức ngực có thể là dấu hiệu nguy hiểm: hãy gọi 115 ngay")
    assert replies[0].urgent
    with db() as session:
        assert session.scalar(select(Alert.kind)) == "danger"


@pytest.mark.parametrize("question", ["trieu chung cua covid la gi", "sốt ho có phải covid không"])
def test_a_general_question_about_symptoms_is_not_a_story(settings, question):
    _replies, text, _buttons = _ask(settings, f"g-{abs(hash(question))}", question)
    assert "paracetamol theo hướng dẫn trên vỏ thuốc, và làm xét nghiệm nhanh" not in text
