"""Messages with two questions: cut into their questions, and the second topic found once."""
import pytest

from nlu.result import NluResult
from nlu.split import asks, other_topics, questions

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text, expected", [
    # two questions joined by "và", the situation stays with the first
    ("Tôi 40 tuổi bị tiểu đường, có tiêm vắc xin được không và con tôi 8 tuổi có được đi học không?",
     ["Tôi 40 tuổi bị tiểu đường, có tiêm vắc xin được không", "con tôi 8 tuổi có được đi học không?"]),
    ("Toi 40 tuoi bi tieu duong, co tiem vac xin duoc khong va con toi 8 tuoi co duoc di hoc khong?",
     ["Toi 40 tuoi bi tieu duong, co tiem vac xin duoc khong", "con toi 8 tuoi co duoc di hoc khong?"]),
    # two question sentences after a situation
    ("Tôi là F1 đang cách ly tại nhà. Xin hỏi tôi phải cách ly mấy ngày? Con chó nhà tôi có bị lây không?",
     ["Tôi là F1 đang cách ly tại nhà. Xin hỏi tôi phải cách ly mấy ngày?", "Con chó nhà tôi có bị lây không?"]),
    # joined by a comma
    ("tiêm xong có được tắm không, có được uống bia không", ["tiêm xong có được tắm không", "có được uống bia không"]),
    # one question: the whole message, whatever its "và" and commas
    ("Gần 20 năm trước tôi bị lao phổi. Vậy chích ngừa vaccine Covid-19 có vấn đề gì không?",
     ["Gần 20 năm trước tôi bị lao phổi. Vậy chích ngừa vaccine Covid-19 có vấn đề gì không?"]),
    ("bị sốt và ho thì có sao không", ["bị sốt và ho thì có sao không"]),
    ("Tôi bị sốt, ho, đau họng. Tôi không biết có phải covid không.",
     ["Tôi bị sốt, ho, đau họng. Tôi không biết có phải covid không."]),
    ("virus có lây qua nút bấm thang máy và tay nắm cửa không?", ["virus có lây qua nút bấm thang máy và tay nắm cửa không?"]),
    ("xin chào", ["xin chào"]),
    ("", []),
])
def test_questions(text, expected):
    assert questions(text) == expected


def test_at_most_three_questions():
    text = " ".join(f"Câu hỏi số {n} của tôi là gì?" for n in range(1, 7))
    assert len(questions(text)) == 3


@pytest.mark.parametrize("chunk, asking", [
    ("có tiêm được không", True), ("co tiem duoc khong a", True), ("tiêm loại nào?", True),
    ("bao lâu thì hết", False), ("mất bao lâu", True), ("Tôi không biết có phải covid không.", False),
    ("tôi bị tiểu đường", False), ("dùng máy đo", False),
])
def test_asks(chunk, asking):
    assert asks(chunk) is asking


def fake_parse(readings: dict):
    """A parse function reading each question by a word it contains."""
    def parse(text: str) -> NluResult:
        for word, (intent, confidence) in readings.items():
            if word in text:
                return NluResult(intent, confidence, [(intent, confidence)])
        return NluResult("nlu_fallback", 0.1, [("nlu_fallback", 0.1)])
    return parse


def test_other_topics_offers_each_other_confident_topic_once():
    text = ("Tôi mang thai 20 tuần, có tiêm vắc xin được không, nếu bị F0 thì có lây sang con không? "
            "Và nếu bị F0 thì thai nhi có bị lây không?")
    parse = fake_parse({"tiêm": ("faq/vaccine_pregnancy", 0.95), "lây": ("faq/transmission", 0.9)})
    assert [r.intent for r in other_topics(parse, text, "faq/vaccine_pregnancy")] == ["faq/transmission"]


def test_other_topics_skips_unsure_readings_and_the_first_topic():
    text = "Tôi là F1, phải cách ly mấy ngày? Con chó nhà tôi có bị lây không?"
    unsure = fake_parse({"cách ly": ("faq/quarantine", 0.99), "chó": ("faq/pets", 0.6)})
    assert other_topics(unsure, text, "faq/quarantine") == []
    sure = fake_parse({"cách ly": ("faq/quarantine", 0.99), "chó": ("faq/pets", 0.9)})
    assert [r.intent for r in other_topics(sure, text, "faq/quarantine")] == ["faq/pets"]
    # the whole message read as the second question's topic: the first question's topic is the other one
    assert [r.intent for r in other_topics(sure, text, "faq/pets")] == ["faq/quarantine"]


def test_one_question_costs_no_extra_parse():
    calls = []
    other_topics(lambda text: calls.append(text), "Tôi 57 tuổi bị cao huyết áp. Tôi tiêm được không?", "faq/x")
    assert calls == []
