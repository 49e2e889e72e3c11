"""Communes and wards of the configured province (vietnam-provinces, the post-2025 list), matched
tolerantly: without diacritics, without the 'xã'/'phường' prefix, with small typos."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from functools import lru_cache

import vietnam_provinces as vp

from bot import legacy_places
from bot.text import fold

_PREFIXES = ("phuong ", "xa ", "dac khu ", "thi tran ", "p. ", "p.", "x. ", "x.", "p ", "x ")


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone; `was` names the pre-2025 unit the citizen typed, when mapped from one."""

    code: int
    name: str  # with its type, e.g. "Phường Hạc Thành"
    key: str  # folded name without the type, e.g. "hac thanh"
    was: str = ""  # e.g. "Phuong Dong Ve": the old name the citizen used

    @property
    def kind(self) -> str:
        """phuong | xa | dackhu, from the official name."""
        return legacy_places.typed_kind(self.name)[0] or "dackhu"

    def label(self, lang: str) -> str:
        """The name on a button: today's name, and the old one the citizen typed when it differs."""
        if not self.was:
            return self.name
        return f"{self.name} ({self.was} cũ)" if lang == "vi" else f"{self.name} (formerly {self.was})"


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


def _unique(found: list[Commune]) -> list[Commune]:
    """Each commune once (by code), the first mention kept: no two buttons for one place."""
    seen, out = set(), []
    for commune in found:
        if commune.code not in seen:
            seen.add(commune.code)
            out.append(commune)
    return out


def _from_old_names(province_code: int, typed: str) -> list[Commune]:
    """Today's communes that the pre-2025 unit(s) named by `typed` became (the default one first)."""
    by_key = {fold(c.name).replace(" ", ""): c for c in communes(province_code)}
    found = []
    for unit in legacy_places.lookup(province_name(province_code), typed):
        for key in unit.new_keys[:1]:  # a divided unit: its default successor (the citizen confirms it)
            if key in by_key:
                found.append(replace(by_key[key], was=legacy_places.spoken_name(typed)))
    return _unique(found)


def match(province_code: int, typed: str, limit: int = 3) -> tuple[Commune | None, list[Commune]]:
    """(the commune, []) on an unambiguous match, else (None, up to `limit` suggestions).

    "xã" and "phường" are respected when typed; names from before the 2025 reorganisation map to today's unit
    (with `was` set, so the step can confirm it); one commune never appears twice among the suggestions."""
    key = _bare(fold(typed))
    if not key:
        return None, []
    kind = legacy_places.typed_kind(typed)[0]
    all_communes = communes(province_code)
    exact = [c for c in all_communes if c.key == key and (not kind or c.kind == kind)]
    old = [c for c in _from_old_names(province_code, typed) if c.code not in {e.code for e in exact}]
    if len(exact) == 1 and not old:
        return exact[0], []
    if not exact and len(old) == 1:
        return old[0], []
    if exact or old:
        if len(exact) > 1:
            # The same bare name as a ward and a commune: the typed prefix decides, else ask.
            typed_fold = fold(typed)
            full = [c for c in exact if fold(c.name) == typed_fold]
            if len(full) == 1 and not old:
                return full[0], []
        return None, _unique(exact + old)[:limit]
    keys = [c.key for c in all_communes]
    close = difflib.get_close_matches(key, keys, n=limit, cutoff=0.75)
    suggestions = _unique([c for k in close for c in all_communes if c.key == k and (not kind or c.kind == kind)]
                          or [c for k in close for c in all_communes if c.key == k])[:limit]
    if len(close) == 1 and difflib.SequenceMatcher(None, key, close[0]).ratio() >= 0.9 and len(suggestions) == 1:
        return suggestions[0], []
    return None, suggestions
