"""A campaign's message as each citizen sees it: their language, the buttons' labels, the link.

Staff write the bodies (Vietnamese required, English optional); the labels of standard buttons a
composer left blank and the SMS opt-out line come from the Babel domain `broadcasts`.
"""
from __future__ import annotations

from bot.messages import Button, Reply
from core.i18n import N_, translator

# Labels used when the composer gave none for a standard payload (the engine's own commands).
DEFAULT_LABELS = {
    "/declare": N_("Declare now"),
    "/faq": N_("Questions and answers"),
    "/menu": N_("Main menu"),
    "/subscribe": N_("Get announcements"),
    "/unsubscribe": N_("Stop announcements"),
}
FAQ_LABEL = N_("Read more")
SMS_STOP_LINE = N_("Reply STOP to stop these messages.")


def language_for(campaign, citizen_language: str | None) -> str:
    """'en' for an English-speaking citizen when the campaign has an English body, else 'vi'."""
    return "en" if citizen_language == "en" and (campaign.body_en or "").strip() else "vi"


def body(campaign, language: str) -> str:
    """The staff-written text in `language` (Vietnamese when there is no English), with the link."""
    text = (campaign.body_en if language == "en" and (campaign.body_en or "").strip() else campaign.body_vi).strip()
    if campaign.link:
        text = f"{text}\n{campaign.link}"
    return text


def button_label(button: dict, language: str) -> str:
    """The label of one button in `language`: the composer's, else the standard one."""
    own = (button.get(f"title_{language}") or "").strip()
    if own:
        return own
    payload = str(button.get("payload") or "")
    _ = translator(language)
    if payload in DEFAULT_LABELS:
        return _(DEFAULT_LABELS[payload])
    if payload.startswith("/faq:"):
        return _(FAQ_LABEL)
    # A custom payload with only a Vietnamese label: better Vietnamese than the raw payload.
    return (button.get("title_vi") or payload).strip()


def reply_for(campaign, language: str) -> Reply:
    """The campaign as one Reply for chat channels (Zalo, Telegram), in `language`."""
    buttons = [Button(button_label(b, language), str(b.get("payload") or ""))
               for b in (campaign.buttons or []) if b.get("payload")]
    return Reply(text=body(campaign, language), buttons=buttons, language=language)


def sms_text(campaign, language: str) -> str:
    """The campaign as SMS text: the body and link, then how to stop (buttons cannot be tapped on SMS)."""
    _ = translator(language)
    return f"{body(campaign, language)}\n{_(SMS_STOP_LINE)}"


def all_languages(campaign) -> dict[str, dict]:
    """{language: {"text", "buttons", "sms"}} for the preview: what each group of citizens will see."""
    languages = ["vi"] + (["en"] if (campaign.body_en or "").strip() else [])
    out = {}
    for lang in languages:
        reply = reply_for(campaign, lang)
        out[lang] = {"text": reply.text, "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
                     "sms": sms_text(campaign, lang)}
    return out
