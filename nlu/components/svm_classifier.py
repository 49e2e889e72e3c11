"""Rasa 3 graph component: one flat TF-IDF + linear SVM over every intent and FAQ topic.

It replaces DIETClassifier + ResponseSelector (two TensorFlow models) and answers in their shape:
`intent` / `intent_ranking` name `faq` for a FAQ topic (with P(faq) = the sum over its topics), and
`response_selector.faq` names the topic with P(topic | faq), so nlu/client.py and the engine read it
exactly as before. Measured on the held-out set and the 8-caller bench: see config.yml.

Why: the two TensorFlow models took ~7 of the ~10 ms of a parse, and the hierarchical split
(P(faq) first, then the topic) pushed many right answers under the fallback threshold. The same
features as the degraded-mode matcher (nlu/fallback.py) classify the normalised text directly.
Runs inside nlu/.venv only; config.yml names it by module path (PYTHONPATH = repo root).
"""
from __future__ import annotations

import logging
import pickle
import zlib
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)
MODEL_FILE = "svm_classifier.pkl"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SvmIntentClassifier(GraphComponent, IntentClassifier):
    """Flat classifier over intents and retrieval sub-intents (faq/<topic>), with a selector output."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """C: SVM regularisation; temperature: softmax over SVM scores (as in nlu/fallback.py)."""
        return {
            "C": 1.0,
            "temperature": 5.0,
            "char_max_ngram": 4,
            "word_max_ngram": 2,
            "ranking_length": 10,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None, responses: Optional[Dict[Text, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.responses = responses or {}
        self.classes: List[Text] = [str(c) for c in model.classes_] if model is not None else []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SvmIntentClassifier":
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    def _build(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.svm import LinearSVC

        features = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, int(self.config["char_max_ngram"])),
                                      sublinear_tf=True, dtype=np.float32)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, int(self.config["word_max_ngram"])),
                                      sublinear_tf=True, token_pattern=r"\S+", dtype=np.float32)),
        ])
        return make_pipeline(features, LinearSVC(C=float(self.config["C"])))

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the (already normalised) text of every intent example; faq examples keep faq/<topic>."""
        texts, labels = [], []
        for message in training_data.intent_examples:
            text = message.get(TEXT)
            label = message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)
            if text and label:
                texts.append(text)
                labels.append(label)
        if len(set(labels)) < 3:
            logger.warning("SvmIntentClassifier needs at least three labels: not trained")
            return self._resource
        self.model = self._build().fit(texts, labels)
        self.classes = [str(c) for c in self.model.classes_]
        self.responses = dict(training_data.responses or {})
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Pickle the fitted pipeline and the FAQ responses into the model storage."""
        with self._model_storage.write_to(self._resource) as path:
            with open(path / MODEL_FILE, "wb") as handle:
                pickle.dump({"model": self.model, "responses": self.responses}, handle)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SvmIntentClassifier":
        """Load the pickled pipeline (an untrained classifier when there is none)."""
        try:
            with model_storage.read_from(resource) as path:
                with open(path / MODEL_FILE, "rb") as handle:
                    saved = pickle.load(handle)
            return cls(config, model_storage, resource, saved["model"], saved.get("responses"))
        except (ValueError, FileNotFoundError):
            logger.warning("SvmIntentClassifier: no trained model found, it will predict nothing")
            return cls(config, model_storage, resource)

    def _probabilities(self, texts: List[Text]) -> np.ndarray:
        scores = np.atleast_2d(self.model.decision_function(texts))
        if scores.shape[1] == 1:  # two classes: one score for the second class
            scores = np.hstack([-scores, scores])
        scaled = float(self.config["temperature"]) * (scores - scores.max(axis=1, keepdims=True))
        exp = np.exp(scaled)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: List[Message]) -> List[Message]:
        """Set intent, intent_ranking and response_selector like DIETClassifier + ResponseSelector do."""
        if self.model is None:
            return messages
        todo = [m for m in messages if m.get(TEXT)]
        if not todo:
            return messages
        for message, probs in zip(todo, self._probabilities([m.get(TEXT) for m in todo])):
            self._set(message, probs)
        return messages

    def _set(self, message: Message, probs: np.ndarray) -> None:
        length = int(self.config["ranking_length"])
        intents: Dict[Text, float] = {}
        topics: Dict[Text, List[tuple]] = {}
        for label, prob in zip(self.classes, probs.tolist()):
            retrieval, _, topic = label.partition("/")
            intents[retrieval] = intents.get(retrieval, 0.0) + prob
            if topic:
                topics.setdefault(retrieval, []).append((label, prob))
        ranking = sorted(intents.items(), key=lambda pair: pair[1], reverse=True)[:length]
        message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
        selector: Dict[Text, Any] = {"all_retrieval_intents": sorted(topics)}
        for retrieval, pairs in topics.items():
            total = intents[retrieval] or 1.0
            pairs = sorted(pairs, key=lambda pair: pair[1], reverse=True)[:length]
            key, prob = pairs[0]
            utter = f"utter_{key}"
            selector[retrieval] = {
                "response": {
                    "responses": self.responses.get(utter) or [{TEXT: key}],
                    "confidence": prob / total,
                    "intent_response_key": key,
                    "utter_action": utter,
                },
                "ranking": [{"id": zlib.crc32(k.encode()), "confidence": p / total, "intent_response_key": k}
                            for k, p in pairs],
            }
        message.set("response_selector", selector, add_to_output=True)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to validate."""

    @staticmethod
    def required_packages() -> List[Text]:
        """scikit-learn comes with Rasa."""
        return ["sklearn"]
