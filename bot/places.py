"""Communes and wards of the configured province (vietnam-provinces, the post-2025 list), matched
tolerantly: without diacritics, without the 'xã'/'phường' prefix, with small typos."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces as vp

from bot.text import fold

_PREFIXES = ("phuong ", "xa ", "dac khu ", "thi tran ", "p. ", "p.", "x. ", "x.", "p ", "x ")


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone."""

    code: int
    name: str  # with its type, e.g. "Phường Hạc Thành"
    key: str  # folded name without the type, e.g. "hac thanh"


def _bare(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


@lru_cache(maxsize=8)
def communes(province_code: int) -> tuple[Commune, ...]:
    """Every commune of the province, from the package's current administrative list."""
    wards = [w for w in vp.Ward.iter_all() if int(w.province_code) == province_code]
    return tuple(Commune(int(w.code), w.name, _bare(fold(w.name))) for w in wards)


def province_name(province_code: int) -> str:
    """The province's official name."""
    return vp.Province.from_code(vp.ProvinceCode(province_code)).name


def by_code(province_code: int, code: int) -> Commune | None:
    """The commune with this code, if it is in the province."""
    return next((c for c in communes(province_code) if c.code == code), None)


def match(province_code: int, typed: str, limit: int = 3) -> tuple[Commune | None, list[Commune]]:
    """(the commune, []) on an unambiguous match, else (None, up to `limit` suggestions)."""
    key = _bare(fold(typed))
    if not key:
        return None, []
    all_communes = communes(province_code)
    exact = [c for c in all_communes if c.key == key]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        # The same bare name as a ward and a commune: the typed prefix decides, else ask.
        typed_fold = fold(typed)
        full = [c for c in exact if fold(c.name) == typed_fold]
        return (full[0], []) if len(full) == 1 else (None, exact[:limit])
    keys = [c.key for c in all_communes]
    close = difflib.get_close_matches(key, keys, n=limit, cutoff=0.75)
    suggestions = [c for k in close for c in all_communes if c.key == k][:limit]
    if len(close) == 1 and difflib.SequenceMatcher(None, key, close[0]).ratio() >= 0.9:
        return suggestions[0], []
    return None, suggestions
