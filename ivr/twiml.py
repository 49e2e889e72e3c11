"""Engine replies spoken on a call: the voice channel's output adapter (architecture principle 4).

The engine answers in Replies; a call only has <Say>, <Gather>, <Dial>. `plan(replies)` turns a batch of
replies into a keypad plan (a JSON-safe dict the caller keeps per call in Redis), `render(plan, ...)` gives
its TwiML and `next_state(plan, digits, send, lang)` applies the keys pressed:

  buttons  -> "Press N for TITLE" in a one-digit <Gather> (more than nine: typed, then #)
  digits   -> a #-terminated <Gather>, then "you entered 1 9 5 7, press 1 to confirm, 2 to enter it again"
  speech   -> a speech <Gather> in the call's language with the reply's hints; what was heard goes to the
              engine as text (which asks for a keypad confirmation: a misheard word is never recorded)
  multi    -> every option but "/done" asked as yes/no; the chosen ones are sent, then "/done"
  urgent   -> "press 1 to talk to the CDC now" before anything else (mode "cdc" when pressed)
  end      -> nothing more to ask: the caller decides what follows (main menu, goodbye)
  giveup   -> three failed answers in a row: the caller transfers or says goodbye

A missed <Gather> falls through to a <Redirect> to the same action with `noinput=1`, so a timeout
reaches the view like a key press with no digits.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable

from twilio.twiml.voice_response import VoiceResponse

from bot.messages import Reply
from core.i18n import translator

VOICES = {"vi": ("Google.vi-VN-Standard-A", "vi-VN"), "en": ("Google.en-US-Standard-C", "en-US")}
MAX_FAILURES = 3
_URL = re.compile(r"https?://\S+")  # a link read aloud is noise; the spoken text stands without it
KEY_TIMEOUT_S = 8  # a little over Twilio's 5 s: many callers are elderly
DIGITS_TIMEOUT_S = 12
DONE = "/done"
Send = Callable[..., list[Reply]]  # send(payload=None, text="") -> the engine's replies


# --- speaking ---------------------------------------------------------------------------------
def voice(lang: str) -> tuple[str, str]:
    """(voice, language) for <Say> in `lang`: a Google vi-VN voice, or an English one."""
    return VOICES.get(lang, VOICES["vi"])


def clean(text: str) -> list[str]:
    """Chat text made speakable: one sentence group per line, no emoji or check marks."""
    lines = []
    for line in (text or "").splitlines():
        line = "".join(ch for ch in line if unicodedata.category(ch) not in ("So", "Cs", "Co"))
        line = " ".join(_URL.sub("", line.replace("✓", "")).split())
        if line:
            lines.append(line)
    return lines


def say(node, text: str, lang: str) -> None:
    """Add <Say> lines for `text` to a VoiceResponse or Gather, in `lang`'s voice."""
    name, language = voice(lang)
    for line in clean(text):
        node.say(line, voice=name, language=language)


def spell(digits: str) -> str:
    """Digits spaced out so text-to-speech reads them one by one ("1 9 5 7")."""
    return " ".join(ch for ch in digits if ch.isdigit() or ch in "*#")


def spell_phone(number: str) -> str:
    """A phone number as a Vietnamese caller dials it, digit by digit ("0 2 8 3 6 ...")."""
    try:
        import phonenumbers

        parsed = phonenumbers.parse(number, "VN")
        number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    except Exception:  # noqa: BLE001 - a short code such as "1900 9095" is spelled as written
        pass
    return spell(number)


def twiml_url(action_url: str, **query) -> str:
    """`action_url` with extra query parameters."""
    extra = "&".join(f"{k}={v}" for k, v in query.items())
    return action_url + ("&" if "?" in action_url else "?") + extra if extra else action_url


def say_and_hang_up(lang: str, *sentences: str) -> VoiceResponse:
    """Say a few sentences and end the call."""
    response = VoiceResponse()
    for sentence in sentences:
        say(response, sentence, lang)
    response.hangup()
    return response


# --- plans ----------------------------------------------------------------------------------
def _texts(replies: list[Reply]) -> list[str]:
    return [line for reply in replies for line in clean(reply.text)]


def _asking(reply: Reply) -> bool:
    return bool(reply.buttons) or reply.ask in ("digits", "speech")

MAX_HINTS = 500  # Twilio reads at most this many hint phrases


def plan(replies: list[Reply]) -> dict:
    """A keypad plan for one batch of engine replies (see the module docstring for the modes)."""
    urgent_at = next((i for i, r in enumerate(replies) if r.urgent), None)
    if urgent_at is not None:
        # Danger first: the offer to reach the CDC comes before any further question.
        then = plan(replies[urgent_at + 1:])
        return {"mode": "urgent", "say": _texts(replies[:urgent_at + 1]), "ask": "", "then": then,
                "failures": 0, "urgent": True}
    last = replies[-1] if replies else None
    base = {"failures": 0, "urgent": False}
    if last is None or not _asking(last):
        return {**base, "mode": "end", "say": _texts(replies), "ask": ""}
    intro, question = _texts(replies[:-1]), " ".join(clean(last.text))
    if last.ask == "speech":
        return {**base, "mode": "speech", "say": intro, "ask": question, "hints": list(last.hints)[:MAX_HINTS]}
    if last.multi_select and last.buttons:
        options = [{"title": " ".join(clean(b.title)), "payload": b.payload, "was": b.title.lstrip().startswith("✓")}
                   for b in last.buttons if b.payload != DONE]
        return {**base, "mode": "multi", "say": intro + ([question] if question else []), "ask": "",
                "options": options, "index": 0, "chosen": [], "done": DONE}
    if last.buttons:
        buttons = [{"title": " ".join(clean(b.title)), "payload": b.payload} for b in last.buttons]
        numbers = [b["title"].rstrip("+") for b in buttons]
        if all(len(n) == 1 and n.isdigit() for n in numbers) and len(set(numbers)) == len(numbers):
            # Choices that are numbers (vaccine doses 0, 1, 2, 3+) are pressed as themselves.
            for button, number in zip(buttons, numbers):
                button["key"] = number
                button["or_more"] = button["title"].endswith("+")  # "3+" would be read "three plus"
        return {**base, "mode": "buttons", "say": intro, "ask": question, "buttons": buttons}
    return {**base, "mode": "digits", "say": intro, "ask": question, "typed": None}


def menu(say_first: list[str], question: str, options: list[tuple[str, str, str]]) -> dict:
    """A buttons plan built by hand (hotline menus): options are (key, sentence to say, payload)."""
    buttons = [{"title": "", "line": line, "key": key, "payload": payload} for key, line, payload in options]
    return {"mode": "buttons", "say": list(say_first), "ask": question, "buttons": buttons, "failures": 0,
            "urgent": False}


def _keys(state: dict) -> list[str]:
    return [b.get("key") or str(i) for i, b in enumerate(state["buttons"], 1)]


def prompt(state: dict, lang: str) -> tuple[list[str], int | None, str]:
    """(sentences to say, digits to collect or None for #-terminated, finishOnKey) for a plan."""
    _ = translator(lang)
    say_lines = [s for s in [*state.get("say", []), state.get("ask", "")] if s]
    mode = state["mode"]
    if mode == "buttons":
        keys = _keys(state)
        for key, button in zip(keys, state["buttons"]):
            title = _("%(n)s or more", n=key) if button.get("or_more") else button["title"]
            say_lines.append(button.get("line") or _("For %(title)s, press %(n)s.", title=title, n=key))
        if max(len(k) for k in keys) > 1:
            say_lines.append(_("Enter the number on your keypad, then press the hash key."))
            return say_lines, None, "#"
        return say_lines, 1, ""
    if mode == "multi":
        option = state["options"][state["index"]]
        return say_lines + [_("%(option)s? Press 1 for yes, 2 for no.", option=option["title"])], 1, ""
    if mode == "digits" and state.get("typed"):
        return [*state.get("say", []), _("You entered %(digits)s. Press 1 to confirm, 2 to enter it again.",
                              digits=spell(state["typed"]))], 1, ""
    if mode == "digits":
        return say_lines + [_("Enter the number on your keypad, then press the hash key.")], None, "#"
    if mode == "urgent":
        return say_lines + [_("To talk to the provincial CDC now, press 1.")], 1, ""
    if mode == "speech":
        return say_lines, None, ""
    return say_lines, None, ""


def asks(state: dict) -> bool:
    """True when the plan waits for keys (its TwiML is a Gather)."""
    return state["mode"] in ("buttons", "multi", "digits", "urgent", "speech")


def render(state: dict, lang: str, action_url: str, response: VoiceResponse | None = None) -> VoiceResponse:
    """The TwiML of a plan: a Gather posting to `action_url` (then a no-input Redirect), or just its sentences."""
    response = response or VoiceResponse()
    sentences, num_digits, finish = prompt(state, lang)
    if not asks(state):
        for sentence in sentences:
            say(response, sentence, lang)
        return response
    options = {"action": action_url, "method": "POST", "input": "dtmf",
               "timeout": KEY_TIMEOUT_S if num_digits else DIGITS_TIMEOUT_S, "finish_on_key": finish}
    if num_digits:
        options["num_digits"] = num_digits
    if state["mode"] == "speech":
        options = {"action": action_url, "method": "POST", "input": "speech", "language": voice(lang)[1],
                   "speech_timeout": "auto", "timeout": DIGITS_TIMEOUT_S,
                   **({"hints": ", ".join(state["hints"])} if state.get("hints") else {})}
    gather = response.gather(**options)
    for sentence in sentences:
        say(gather, sentence, lang)
    # No key pressed: Twilio falls through to the next verb, which comes back to us as "no input".
    response.redirect(twiml_url(action_url, noinput=1), method="POST")
    return response


# --- keys pressed ---------------------------------------------------------------------------
def _failed(state: dict, lang: str, heard: bool) -> dict:
    """Count a failed answer; the third in a row gives up, else the question is asked again."""
    _ = translator(lang)
    failures = state.get("failures", 0) + 1
    if failures >= MAX_FAILURES:
        return {"mode": "giveup", "say": [], "ask": "", "failures": failures, "urgent": state.get("urgent", False)}
    note = _("Sorry, that key is not valid.") if heard else _("I did not hear a key.")
    if state["mode"] == "speech":
        note = _("Sorry, I did not hear you.")
    return {**state, "say": [note], "failures": failures}


def payload_for(state: dict, digits: str) -> str | None:
    """The payload of the button whose key is `digits` in a buttons plan, or None."""
    for key, button in zip(_keys(state), state["buttons"]):
        if digits == key:
            return button["payload"]
    return None


def pick(state: dict, digits: str | None, lang: str) -> tuple[str | None, dict]:
    """For a hand-built menu: (chosen payload, state), or (None, the re-ask or the giveup plan)."""
    digits = (digits or "").strip().rstrip("#")
    payload = payload_for(state, digits) if digits else None
    if payload is not None:
        return payload, {**state, "failures": 0}
    return None, _failed(state, lang, heard=bool(digits))


def next_state(state: dict, digits: str | None, send: Send, lang: str, speech: str | None = None) -> dict:
    """Apply the keys pressed (None or "" = no input) or the words heard, and return the next plan.

    The engine is called (through `send`) only when a question is fully answered: a button, a
    confirmed number, the last yes/no of a multi-select, or words heard at a speech question.
    """
    digits = (digits or "").strip().rstrip("#")
    mode = state["mode"]
    if mode == "speech":
        heard = " ".join((speech or "").split())
        return plan(send(text=heard)) if heard else _failed(state, lang, heard=False)
    if mode == "urgent":
        if digits == "1":
            return {"mode": "cdc", "say": [], "ask": "", "failures": 0, "urgent": True}
        return state["then"]  # any other key, or silence: go on with the call
    if mode not in ("buttons", "multi", "digits"):
        return state
    if not digits:
        return _failed(state, lang, heard=False)
    if mode == "buttons":
        payload, again = pick(state, digits, lang)
        return plan(send(payload=payload)) if payload else again
    if mode == "multi":
        return _multi(state, digits, send, lang)
    if not state.get("typed"):
        return {**state, "typed": digits, "say": [], "failures": 0}
    if digits == "1":
        return plan(send(text=state["typed"]))
    if digits == "2":
        return {**state, "typed": None, "say": [], "failures": 0}
    return _failed(state, lang, heard=True)


def _multi(state: dict, digits: str, send: Send, lang: str) -> dict:
    if digits not in ("1", "2"):
        return _failed(state, lang, heard=True)
    option = state["options"][state["index"]]
    chosen = state["chosen"] + ([option["payload"]] if digits == "1" else [])
    index = state["index"] + 1
    if index < len(state["options"]):
        return {**state, "index": index, "chosen": chosen, "say": [], "failures": 0}
    for item in state["options"]:
        # Each payload toggles; send only those whose answer differs from what the engine already holds.
        if (item["payload"] in chosen) != bool(item.get("was")):
            send(payload=item["payload"])  # the engine re-asks after each toggle; that is not read out
    return plan(send(payload=state["done"]))
