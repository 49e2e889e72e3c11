"""Reading Rasa NLU YAML files (training data and the held-out set) without importing rasa."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parent
DATA_DIR = NLU_DIR / "data"
HELD_OUT = NLU_DIR / "test" / "held_out.yml"
ANSWERS = NLU_DIR / "answers.yml"

# Rasa's inline entity markup: [text](entity) or [text]{"entity": ...}; the classifiers only need the text.
_ENTITY = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every training file the NLU reads: all of nlu/data/*.yml, sorted."""
    return sorted(Path(data_dir).glob("*.yml"))


def _examples(block: str | list) -> list[str]:
    if isinstance(block, list):  # the long form: a list of {text: ...}
        return [str(item["text"] if isinstance(item, dict) else item) for item in block]
    out = []
    for line in str(block).splitlines():
        line = line.strip()
        if line.startswith("- "):
            out.append(_ENTITY.sub(r"\1", line[2:].strip()))
    return out


def load_examples(paths: list[Path] | None = None) -> list[tuple[str, str]]:
    """(text, intent) pairs from Rasa NLU YAML files; retrieval intents keep their full name (faq/x)."""
    pairs: list[tuple[str, str]] = []
    for path in data_files() if paths is None else paths:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for item in doc.get("nlu") or []:
            if "intent" in item and item.get("examples") is not None:
                pairs.extend((text, str(item["intent"])) for text in _examples(item["examples"]) if text)
    return pairs


def load_answers(path: Path = ANSWERS) -> dict[str, dict]:
    """The vetted answers, keyed by retrieval intent (faq/<topic>); empty when the file is missing."""
    if not Path(path).exists():
        return {}
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return dict(doc.get("answers") or {})
