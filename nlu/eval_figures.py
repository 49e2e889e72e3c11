"""Evaluation figures beyond top-1: the right topic among the three the bot offers, and long questions.

When the bot is unsure it asks back with the three likeliest topics (bot.understand.ask_back): it walks the
NLU's ranking and keeps only what it can offer as a button (a FAQ topic, or one of the intents with a title),
so top-3 here follows the same walk, not the raw ranking (nlu_fallback, greet, out_of_scope are skipped).
"""
from __future__ import annotations

from typing import Iterable, Sequence

from nlu.intents import OUT_OF_SCOPE

# Intents the bot can offer as a button besides FAQ topics: the keys of bot.understand.INTENT_TITLES
# (nlu/tests/test_eval_figures.py checks they stay the same; nlu must not import the bot).
OFFERED_INTENTS = frozenset({"declare_health", "ask_tracing_call", "verify_caller", "report", "subscribe",
                             "talk_to_staff", "menu"})
LONG_WORDS = 20  # "questions over 20 words" (issue 13): the register of the Ministry's Q&A pages


def offered(ranking: Iterable[Sequence], n: int = 3) -> list[str]:
    """The first `n` intents of a ranking that the bot would offer as buttons when it asks back."""
    out: list[str] = []
    for item in ranking:
        intent = str(item[0])
        if (intent.startswith("faq/") or intent in OFFERED_INTENTS) and intent not in out:
            out.append(intent)
            if len(out) == n:
                break
    return out


def top_n_hit(gold: str, predicted: str, ranking: Iterable[Sequence], n: int = 3) -> bool:
    """Right when the answer itself is right, or the right topic is among the `n` the bot would offer."""
    return is_right(gold, predicted) or gold in offered(ranking, n)


def is_right(gold: str, predicted: str) -> bool:
    """Top-1 right; out of scope answered nlu_fallback counts (the engine treats both the same way)."""
    return predicted == gold or (gold == OUT_OF_SCOPE[0] and predicted in OUT_OF_SCOPE)


def word_count(text: str) -> int:
    """Words as a reader counts them (whitespace separated)."""
    return len(text.split())


def is_long(text: str) -> bool:
    """Over LONG_WORDS words."""
    return word_count(text) > LONG_WORDS


def figures(texts: list[str], gold: list[str], predicted: list[str], rankings: list,
            confidences: list[float] | None = None, threshold: float = 0.55) -> dict:
    """top3 over every question; answered: right with at least the bot's confidence threshold (below it the bot
    asks back); long_n, long_acc, long_top3 over the questions over LONG_WORDS words."""
    hits = [top_n_hit(g, p, r) for g, p, r in zip(gold, predicted, rankings)]
    right = [is_right(g, p) for g, p in zip(gold, predicted)]
    sure = [c >= threshold for c in confidences] if confidences is not None else [True] * len(right)
    long_idx = [i for i, text in enumerate(texts) if is_long(text)]
    return {
        "top3": sum(hits) / len(hits) if hits else float("nan"),
        "answered": sum(r and s for r, s in zip(right, sure)) / len(right) if right else float("nan"),
        "long_n": len(long_idx),
        "long_acc": sum(right[i] for i in long_idx) / len(long_idx) if long_idx else float("nan"),
        "long_top3": sum(hits[i] for i in long_idx) / len(long_idx) if long_idx else float("nan"),
    }
