"""The intent contract (shared/docs/nlu-intents.md): names the engine, evaluation and console rely on."""
from __future__ import annotations

CONVERSATION_INTENTS = (
    "greet", "goodbye", "thanks", "affirm", "deny", "menu", "declare_health", "ask_tracing_call",
    "verify_caller", "report", "subscribe", "unsubscribe", "change_language", "talk_to_staff", "out_of_scope",
)
RETRIEVAL_INTENT = "faq"
FAQ_TOPICS = (
    "covid_basics", "symptoms", "transmission", "risk_groups", "prevention", "masks", "disinfection",
    "close_contact", "quarantine", "home_care", "emergency_signs", "treatment", "children", "testing",
    "vaccine_registration", "vaccine_eligibility", "vaccine_pregnancy", "vaccine_side_effects", "vaccine_types",
    "vaccine_children", "vaccine_certificate", "distancing_rules", "travel", "support_policy", "apps", "hotlines",
    "pets", "after_covid", "workplace", "scams_fake_news",
)
FAQ_INTENTS = tuple(f"{RETRIEVAL_INTENT}/{topic}" for topic in FAQ_TOPICS)
# What counts as "not for us" when scoring out-of-scope recall.
OUT_OF_SCOPE = ("out_of_scope", "nlu_fallback")
