"""The obvious-keyword matcher: what the engine uses when no NLU is installed at all."""
from __future__ import annotations

from bot.text import fold

# Folded phrases per intent; the first intent with a phrase contained in the message wins.
KEYWORDS = (
    ("declare_health", ("khai bao", "to khai", "declare", "declaration", "toi bi sot", "bi ho", "bi sot")),
    ("unsubscribe", ("huy dang ky", "huy nhan tin", "ngung nhan", "unsubscribe")),
    ("subscribe", ("dang ky nhan", "nhan thong bao", "nhan tin", "subscribe")),
    ("verify_caller", ("so nay", "co phai", "gia mao", "lua dao", "genuine", "scam call")),
    ("ask_tracing_call", ("truy vet", "goi cho toi", "cuoc goi", "tong dai", "tracing", "called me")),
    ("report", ("phan anh", "to giac", "bao cao", "report")),
    ("talk_to_staff", ("nhan vien", "tu van vien", "nguoi that", "staff", "human")),
    ("greet", ("xin chao", "chao", "hello", "hi", "alo")),
    ("thanks", ("cam on", "thank")),
    ("goodbye", ("tam biet", "bye")),
)


def classify(text: str) -> tuple[str, float]:
    """(intent, confidence) by keywords; ('nlu_fallback', 0.0) when nothing matches."""
    folded = f" {fold(text)} "
    for intent, phrases in KEYWORDS:
        if any(f" {p} " in folded or (len(p) > 4 and p in folded) for p in phrases):
            return intent, 0.9
    return "nlu_fallback", 0.0
