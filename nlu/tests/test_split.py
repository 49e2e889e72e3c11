"""Messages with two questions: cut into their questions, and the second topic found once."""
import pytest

from nlu.result import NluResult
from nlu.split import asks, questions, topics_in_order

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


def reading(intent: str, confidence: float = 0.9) -> NluResult:
    return NluResult(intent, confidence, [(intent, confidence)])


def test_topics_in_order_follow_the_questions_each_topic_once():
    text = ("Tôi mang thai 20 tuần, có tiêm vắc xin được không, nếu bị F0 thì có lây sang con không? "
            "Và nếu bị F0 thì thai nhi có bị lây không?")
    parse = fake_parse({"tiêm": ("faq/vaccine_pregnancy", 0.95), "lây": ("faq/transmission", 0.9)})
    whole = reading("faq/vaccine_pregnancy", 0.97)
    got = topics_in_order(parse, text, whole)
    assert [r.intent for r in got] == ["faq/vaccine_pregnancy", "faq/transmission"]
    assert got[0] is whole  # the whole message's reading stands for its topic


def test_topics_in_order_keep_the_citizens_order_when_the_whole_reads_the_last_question():
    text = "Tôi 40 tuổi bị tiểu đường, có tiêm vắc xin được không? Nhà tôi nuôi chó, chó có bị lây không?"
    parse = fake_parse({"tiêm": ("faq/vaccine_eligibility", 0.99), "chó": ("faq/pets", 0.9)})
    got = topics_in_order(parse, text, reading("faq/pets", 0.98))
    assert [r.intent for r in got] == ["faq/vaccine_eligibility", "faq/pets"]


def test_topics_in_order_skip_unsure_readings():
    text = "Tôi là F1, phải cách ly mấy ngày? Con chó nhà tôi có bị lây không?"
    unsure = fake_parse({"cách ly": ("faq/quarantine", 0.99), "chó": ("faq/pets", 0.6)})
    assert [r.intent for r in topics_in_order(unsure, text, reading("faq/quarantine"))] == ["faq/quarantine"]
    # no question reads as the whole message's topic: it is still answered, first
    other = fake_parse({"cách ly": ("faq/quarantine", 0.99), "chó": ("faq/pets", 0.9)})
    got = topics_in_order(other, text, reading("faq/close_contact", 0.8))
    assert [r.intent for r in got] == ["faq/close_contact", "faq/quarantine", "faq/pets"]


def test_one_question_costs_no_extra_parse():
    calls = []
    whole = reading("faq/vaccine_eligibility")
    text = "Tôi 57 tuổi bị cao huyết áp. Tôi tiêm được không?"
    assert topics_in_order(lambda t: calls.append(t), text, whole) == [whole]
    assert calls == []
