"""Rasa 3 graph component: Vietnamese normalisation before tokenising (wraps nlu.normalize).

Runs inside nlu/.venv only; named in config.yml by module path, so Rasa needs the repo root on
PYTHONPATH (train.sh and serve.sh set it).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.focus import focused
from nlu.normalize import normalize


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    """NFC, lower case, abbreviations expanded, diacritics folded, the question repeated: as the fallback matcher."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """fold: drop diacritics so accented and unaccented input give the same tokens; focus: repeat the
        question part of a long message (nlu/focus.py) so it weighs more than the situation told before it."""
        return {"fold": True, "focus": False}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.fold = bool(config.get("fold", True))
        self.focus = bool(config.get("focus", False))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "VietnameseNormalizer":
        """Build the component from its config (nothing to train or persist)."""
        return cls(config)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "VietnameseNormalizer":
        """Load the component: same as create, it has no state."""
        return cls(config)

    def _normalise(self, message: Message) -> None:
        text = message.get(TEXT)
        if text:
            # An empty result would make the tokenizer drop the message; keep something to classify.
            source = focused(text) if self.focus else text
            message.set(TEXT, normalize(source, fold=self.fold) or text.strip() or text)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise every training example (responses and intent-only messages have no TEXT)."""
        for message in training_data.training_examples:
            self._normalise(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Normalise incoming messages before the tokenizer sees them."""
        for message in messages:
            self._normalise(message)
        return messages

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to validate."""

    @staticmethod
    def required_packages() -> List[Text]:
        """No packages beyond Rasa's own."""
        return []
