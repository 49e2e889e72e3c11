"""The question part of long letters: found, repeated for the classifiers, kept when a message is cut."""
import pytest

from nlu.fallback import FallbackMatcher
from nlu.focus import focused, keep_question, question_part, sentences

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text, part", [
    # situation first, then the question, as citizens write to the Ministry's Q&A pages
    ("Gần 20 năm trước tôi bị lao phổi. Vậy chích ngừa vaccine Covid-19 có vấn đề gì không?",
     "Vậy chích ngừa vaccine Covid-19 có vấn đề gì không?"),
    ("Cha mẹ tôi đã trên 65 tuổi, sức khỏe tốt. Họ có được tiêm vaccine Covid-19 không?",
     "Họ có được tiêm vaccine Covid-19 không?"),
    ("Tôi 57 tuổi, bị tăng huyết áp và đã tiêm 2 mũi AstraZeneca, xin hỏi tôi có tiêm mũi 3 được không ạ",
     "xin hỏi tôi có tiêm mũi 3 được không ạ"),
    ("Toi 57 tuoi bi tang huyet ap, da tiem 2 mui AstraZeneca. Cho toi hoi tiem mui 3 loai nao thi tot",
     "Cho toi hoi tiem mui 3 loai nao thi tot"),
    ("Tôi 40 tuổi, mẹ tôi 70 tuổi bị tiểu đường đang tiêm insulin mỗi ngày. Mong bác sĩ tư vấn bà có tiêm được không",
     "Mong bác sĩ tư vấn bà có tiêm được không"),
    # without diacritics "hoi" is also hơi (a bit): not where the question starts
    ("toi bi hoi met va dau dau tu hom qua, sot nhe nua. Nhu vay co phai bi covid khong?",
     "Nhu vay co phai bi covid khong?"),
    # a message that is one question, or short, has no separate part
    ("Xin hỏi người bị tăng huyết áp và tiểu đường có được tiêm vắc xin Covid-19 loại Pfizer hay không?", ""),
    ("tôi 57 tuổi bị cao huyết áp thì có tiêm được không", ""),
    ("", ""),
])
def test_question_part(text, part):
    assert question_part(text) == part


def test_focused_repeats_only_the_question_of_long_messages():
    letter = "Cách đây 15 năm tôi bị lao và đã chữa khỏi hoàn toàn. Xin hỏi tôi có tiêm vắc xin được không?"
    assert focused(letter) == letter + " Xin hỏi tôi có tiêm vắc xin được không?"
    assert focused(letter, repeat=2).count("Xin hỏi") == 3
    short = "tiêm vắc xin được không"
    assert focused(short) == short


def test_sentences():
    assert sentences("Tôi 38,5 độ. Có sao không? Cảm ơn!") == ["Tôi 38,5 độ.", "Có sao không?", "Cảm ơn!"]


def test_keep_question_keeps_the_end_of_a_long_letter():
    letter = "Tôi năm nay 60 tuổi " + "và có nhiều bệnh " * 60 + "xin hỏi tôi có tiêm được không?"
    cut = keep_question(letter, 500)
    assert len(cut) <= 500
    assert cut.startswith("Tôi năm nay 60 tuổi") and cut.endswith("xin hỏi tôi có tiêm được không?")
    assert keep_question("ngắn thôi", 500) == "ngắn thôi"


TOY = [
    # the preamble's words belong to one topic, the question's to another
    ("tôi bị tiểu đường và cao huyết áp", "faq/risk_groups"),
    ("người tiểu đường cao huyết áp có nguy hiểm không", "faq/risk_groups"),
    ("bệnh nền tiểu đường huyết áp", "faq/risk_groups"),
    ("đăng ký tiêm ở đâu", "faq/vaccine_registration"),
    ("muốn đăng ký tiêm thì đến đâu", "faq/vaccine_registration"),
    ("đăng ký tiêm cho bố mẹ ở đâu", "faq/vaccine_registration"),
]
LETTER = "Bố tôi 70 tuổi bị tiểu đường và cao huyết áp nhiều năm. Xin hỏi đăng ký tiêm ở đâu?"


def test_the_question_outweighs_the_situation():
    assert FallbackMatcher(TOY).parse(LETTER).intent == "faq/vaccine_registration"


def test_without_focus_the_situation_wins(monkeypatch):
    # the check above means something: the same toy model without the repeated question reads the preamble
    import nlu.fallback

    monkeypatch.setattr(nlu.fallback, "focused", lambda text: text)
    assert FallbackMatcher(TOY).parse(LETTER).intent == "faq/risk_groups"
