"""Unit checks of the custom Rasa components, run with nlu/.venv's Python (Rasa is not in the app's venv).

`nlu/tests/test_components.py` runs this file; it prints `components ok` when every check passes.
Run by hand: PYTHONPATH=. nlu/.venv/bin/python nlu/tests/components_check.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.svm_classifier import SvmIntentClassifier
from nlu.components.vi_normalizer import VietnameseNormalizer

CONTEXT = ExecutionContext(GraphSchema({}), "components-check")


def normalised(text: str, **config) -> str:
    """The text of a message after the normaliser."""
    message = Message({TEXT: text})
    VietnameseNormalizer.create({**VietnameseNormalizer.get_default_config(), **config}, None, None,
                                CONTEXT).process([message])
    return message.get(TEXT)


def check_normalizer() -> None:
    """Diacritics folded, abbreviations expanded, NFC, control characters gone, emoji-only kept."""
    assert normalised("Tôi bị SỐT ko biết có sao k") == "toi bi sot khong biet co sao khong", normalised(
        "Tôi bị SỐT ko biết có sao k")
    assert normalised("Tôi bị sốt", fold=False) == "tôi bị sốt"
    assert normalised("to\u0302i\x00 bi\u0323 ho") == "toi bi ho"  # decomposed accents, a NUL
    assert normalised("😷🙏") == "😷🙏"  # nothing to normalise: kept so the tokenizer still sees a message
    data = TrainingData([Message({TEXT: "Đc KO", INTENT: "ask"})])
    VietnameseNormalizer.create({"fold": True}, None, None, CONTEXT).process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "duoc khong"
    # focus (config.yml): the question of a long letter is repeated after it, short messages are left alone
    letter = "Tôi 57 tuổi bị tăng huyết áp đã nhiều năm nay. Xin hỏi tôi tiêm được không?"
    assert normalised(letter, focus=True) == normalised(letter) + " xin hoi toi tiem duoc khong"
    assert normalised("Tôi bị sốt", focus=True) == "toi bi sot"


EXAMPLES = {
    "greet": ["xin chao", "chao ban", "hello", "chao loa", "alo alo"],
    "deny": ["khong", "khong phai", "no", "khong co", "sai roi"],
    "faq/vaccine": ["tiem vaccine o dau", "lich tiem vac xin", "vaccine mui 3", "dang ky tiem vaccine",
                    "tiem vaccine co dau khong"],
    "faq/quarantine": ["cach ly bao nhieu ngay", "f1 cach ly o dau", "cach ly tai nha", "het cach ly chua",
                       "quy dinh cach ly"],
}


def training_data() -> TrainingData:
    """A tiny set: two plain intents and two retrieval sub-intents of faq."""
    messages = []
    for label, texts in EXAMPLES.items():
        intent, _, topic = label.partition("/")
        for text in texts:
            data = {TEXT: text, INTENT: intent}
            if topic:
                data[INTENT_RESPONSE_KEY] = label
            messages.append(Message(data))
    responses = {"utter_faq/vaccine": [{"text": "vaccine answer"}], "utter_faq/quarantine": [{"text": "q"}]}
    return TrainingData(messages, responses=responses)


def parsed(classifier: SvmIntentClassifier, text: str) -> dict:
    """Intent, ranking and selector output for one text."""
    message = Message({TEXT: text})
    classifier.process([message])
    return message.as_dict(only_output_properties=True)


def check_classifier(tmp: Path) -> None:
    """Trains, answers in the DIET + ResponseSelector shape, and survives persist + load."""
    storage, resource = LocalModelStorage(tmp), Resource("svm")
    config = SvmIntentClassifier.get_default_config()
    classifier = SvmIntentClassifier.create(config, storage, resource, CONTEXT)
    classifier.train(training_data())
    out = parsed(classifier, "toi muon tiem vaccine")
    assert out[INTENT]["name"] == "faq", out
    selected = out["response_selector"]["faq"]["response"]
    assert selected["intent_response_key"] == "faq/vaccine" and selected["utter_action"] == "utter_faq/vaccine"
    assert selected["responses"] == [{"text": "vaccine answer"}]
    ranking = out["intent_ranking"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6 and ranking[0]["name"] == "faq"
    assert parsed(classifier, "xin chao ban")[INTENT]["name"] == "greet"
    loaded = SvmIntentClassifier.load(config, storage, resource, CONTEXT)
    again = parsed(loaded, "toi muon tiem vaccine")
    assert again["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/vaccine"
    # Untrained (no model in storage): predicts nothing rather than failing the pipeline.
    empty = SvmIntentClassifier.load(config, LocalModelStorage(tmp / "none"), Resource("svm"), CONTEXT)
    assert INTENT not in parsed(empty, "xin chao")


if __name__ == "__main__":
    check_normalizer()
    with tempfile.TemporaryDirectory() as tmp:
        check_classifier(Path(tmp))
    print("components ok")
    sys.exit(0)
