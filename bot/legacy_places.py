"""Commune and ward names from before the 1 July 2025 reorganisation, mapped to today's units.

Citizens keep saying "phường Đông Vệ" years after it became part of Phường Hạc Thành. The old -> new table is
the one `vietnamadminunits` publishes (data/converter_2025.json, MIT licence); only its data file is read: the
package's parser geolocates street addresses over the network, which Loa never needs.
"""
from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.text import fold

@dataclass(frozen=True)
class OldUnit:
    """A unit that no longer exists: its type and name as citizens wrote it, and today's unit key(s)."""

    kind: str  # phuong | xa | thitran
    bare: str  # folded name without spaces or type, e.g. "dongve"
    district: str  # the old district's key (several districts had a "xã Quảng Phú")
    new_keys: tuple[str, ...]  # today's ward keys ("phuonghacthanh"); the first is the default one


def _data_file() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")  # located, never imported
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed (see requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "converter_2025.json"


def _split(ward_key: str) -> tuple[str, str]:
    for kind in ("thitran", "phuong", "xa"):
        if ward_key.startswith(kind):
            return kind, ward_key[len(kind):]
    return "", ward_key


@lru_cache(maxsize=4)
def old_units(province_name: str) -> tuple[OldUnit, ...]:
    """Every pre-2025 commune, ward and town of the province, with the unit(s) it became."""
    data = json.loads(_data_file().read_text(encoding="utf-8"))
    wanted = fold(province_name).replace(" ", "")
    province = next((k for k in data["DICT_PROVINCE"] if k.endswith(wanted)), None)
    if province is None:
        return ()
    found: dict[str, list[str]] = {}
    for new_key, olds in data["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province, {}).items():
        for old in olds:
            found.setdefault(old, []).append(new_key)
    for old, news in data["DICT_PROVINCE_WARD_DIVIDED"].get(province, {}).items():
        ordered = sorted(news, key=lambda w: not w.get("isDefaultNewWard"))
        found.setdefault(old, []).extend(w["newWardKey"] for w in ordered)
    units = []
    for old, new_keys in found.items():
        _province, district, ward = (old.split("_") + ["", ""])[:3]
        if ward:
            kind, bare = _split(ward)
            units.append(OldUnit(kind, bare, district, tuple(dict.fromkeys(new_keys))))
    return tuple(units)


def typed_kind(typed: str) -> tuple[str, str]:
    """("phuong" | "xa" | "thitran" | "", the folded name without spaces) of what a citizen typed."""
    words = fold(typed).replace(".", " ").split()
    if words[:2] == ["thi", "tran"]:
        return "thitran", "".join(words[2:])
    if words and words[0] in ("phuong", "p"):
        return "phuong", "".join(words[1:])
    if words and words[0] in ("xa", "x"):
        return "xa", "".join(words[1:])
    return "", "".join(words)


def lookup(province_name: str, typed: str) -> list[OldUnit]:
    """The old units a citizen may mean; the type they wrote (xã / phường) is respected when given."""
    kind, bare = typed_kind(typed)
    if not bare:
        return []
    return [u for u in old_units(province_name) if u.bare == bare and (not kind or u.kind == kind)]


def spoken_name(typed: str) -> str:
    """The old name as the citizen wrote it, tidied ("xa quang phu" -> "Xa Quang Phu"), for a confirmation."""
    return " ".join(word.capitalize() for word in typed.split())
