"""Vietnamese text normalisation shared by the Rasa component, the fallback matcher and the client.

This module must not import rasa: the app venv uses it too. Citizens type with or without
diacritics, in NFC or NFD, with chat abbreviations; every path into the NLU folds them the same way.
"""
from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 500

# Chat abbreviations, written with diacritics; the folded table below is derived from this one.
# Ambiguous short forms are left out on purpose: "a" is English, "bt" is biết or bình thường, and
# "hong"/"hông"/"kg" would also swallow họng (throat), hỏng, hồng and kilograms once diacritics are folded.
ABBREVIATIONS: dict[str, str] = {
    "ko": "không", "k": "không", "kh": "không", "hok": "không", "hk": "không", "khg": "không",
    "khong": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "dx": "được", "đx": "được", "duoc": "được",
    "j": "gì", "ji": "gì", "gi": "gì",
    "ntn": "như thế nào", "dky": "đăng ký", "đky": "đăng ký", "dki": "đăng ký", "đkí": "đăng ký",
    "vs": "với", "bn": "bao nhiêu", "bnh": "bao nhiêu", "ng": "người", "nguoi": "người",
    "bs": "bác sĩ", "bv": "bệnh viện", "xn": "xét nghiệm", "sđt": "số điện thoại", "sdt": "số điện thoại",
    "đt": "điện thoại", "dt": "điện thoại", "tp": "thành phố", "tphcm": "thành phố hồ chí minh",
    "hcm": "hồ chí minh", "mn": "mọi người", "mng": "mọi người", "mk": "mình", "mik": "mình",
    "cx": "cũng", "cg": "cũng", "r": "rồi", "ròi": "rồi", "z": "vậy", "v": "vậy", "zậy": "vậy",
    "trc": "trước", "ns": "nói", "hnay": "hôm nay", "hqua": "hôm qua", "ck": "chồng", "vk": "vợ",
    "e": "em", "ae": "anh em", "lm": "làm", "ms": "mới", "nhiu": "nhiêu",
    "tks": "thanks", "thank": "thanks", "thx": "thanks", "pls": "please", "plz": "please",
    "vacxin": "vắc xin", "vaccin": "vắc xin", "vaccine": "vắc xin", "vaccines": "vắc xin",
    "vaxin": "vắc xin", "vacine": "vắc xin", "vacin": "vắc xin", "vắcxin": "vắc xin",
    "covid19": "covid 19", "cov": "covid", "corona": "covid", "coronavirus": "covid",
    "ok": "ok", "oke": "ok", "okie": "ok", "okay": "ok", "uk": "ừ", "uh": "ừ", "um": "ừ",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_WORD = re.compile(r"\w+")
_REPEAT = re.compile(r"(\D)\1{2,}")  # "khongggg" -> "khong"; digits are left alone ("1000")
_LAUGH = re.compile(r"([^\W\d])\1{2,}")  # a single letter repeated: "kkk" is laughter, not the abbreviation k


def strip_diacritics(text: str) -> str:
    """'Tiêm vắc xin được không' -> 'Tiem vac xin duoc khong' (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


_FOLDED_ABBREVIATIONS = {strip_diacritics(k): strip_diacritics(v) for k, v in ABBREVIATIONS.items()}


def clean(text: str | None, limit: int = MAX_CHARS) -> str:
    """NFC, control and zero-width characters removed, whitespace squeezed, cut to `limit` characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = _CONTROL.sub(" ", text.replace("\t", " ").replace("\r", " ").replace("\n", " "))
    return " ".join(text.split())[:limit].strip()


def tokens(text: str, fold: bool = True) -> list[str]:
    """Lower-cased word tokens with abbreviations expanded; diacritics removed when `fold`."""
    text = unicodedata.normalize("NFC", text or "").lower()
    if fold:
        text = strip_diacritics(text)
    table = _FOLDED_ABBREVIATIONS if fold else ABBREVIATIONS
    out: list[str] = []
    for word in _WORD.findall(text.replace("_", " ")):
        if _LAUGH.fullmatch(word):  # "kkk", "hhhh": chat laughter, not "k" = không
            out.append(word[:3])
            continue
        word = _REPEAT.sub(r"\1", word)
        out.extend(table.get(word, word).split())
    return out


def normalize(text: str | None, fold: bool = True) -> str:
    """The form the classifiers see: cleaned, lower case, abbreviations expanded, diacritics folded.

    Folding (rather than appending a folded copy) makes 'tiêm được không' and 'tiem dc ko' identical
    inputs, so accuracy does not depend on whether the citizen's keyboard typed accents.
    """
    return " ".join(tokens(clean(text, limit=10 * MAX_CHARS), fold=fold))


def is_empty(text: str | None) -> bool:
    """True when nothing classifiable is left (empty, punctuation or emoji only)."""
    return not normalize(text)
