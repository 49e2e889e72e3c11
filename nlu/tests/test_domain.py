"""The domain, data and answers agree with the intent contract."""
import pytest

from nlu import make_domain
from nlu.data import HELD_OUT, load_answers, load_examples
from nlu.intents import CONVERSATION_INTENTS, FAQ_INTENTS

pytestmark = pytest.mark.nodb


def test_domain_is_up_to_date():
    assert make_domain.main(["--check"]) == 0, "run python nlu/make_domain.py"


def test_domain_lists_every_contract_intent_and_faq_response():
    import yaml

    domain = yaml.safe_load(make_domain.DOMAIN.read_text(encoding="utf-8"))
    assert set(CONVERSATION_INTENTS) | {"faq"} <= set(domain["intents"])
    assert {f"utter_{name}" for name in FAQ_INTENTS} <= set(domain["responses"])


def test_every_trained_faq_topic_has_an_answer():
    trained = {intent for _, intent in load_examples() if intent.startswith("faq/")}
    assert trained <= set(load_answers())


@pytest.mark.parametrize("held_out", [HELD_OUT, HELD_OUT.with_name("probe_long.yml")])
def test_held_out_is_never_trained_on(held_out):
    # the held-out file and the long-question probe measure; nobody trains on them (probe C shares short
    # common phrases such as "chào bạn" with the data)
    trained = {text.strip().lower() for text, _ in load_examples()}
    held = [text for text, _ in load_examples([held_out])] if held_out.exists() else []
    assert not [text for text in held if text.strip().lower() in trained]
