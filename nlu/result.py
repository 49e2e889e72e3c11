"""What the NLU says about one message, whichever matcher answered."""
from __future__ import annotations

from dataclasses import dataclass, field

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class NluResult:
    """An intent ("faq/<topic>" for FAQ questions), its confidence and the runners-up."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)
    source: str = "rasa"  # "rasa" | "fallback"
    text_used: str = ""

    @classmethod
    def empty(cls, source: str = "rasa", text_used: str = "") -> "NluResult":
        """The answer for a message with nothing to classify (empty, emoji only)."""
        return cls(FALLBACK_INTENT, 0.0, [(FALLBACK_INTENT, 0.0)], source, text_used)

    def as_dict(self) -> dict:
        """JSON-safe form (for logs and the curators' queue)."""
        return {"intent": self.intent, "confidence": round(self.confidence, 4),
                "ranking": [[i, round(c, 4)] for i, c in self.ranking], "source": self.source}
