"""Words the console shows from data (risk levels, states, reasons), listed so the catalogs translate them."""
from __future__ import annotations

from core.i18n import N_

DATA_WORDS = (
    # risk levels and alert severities
    N_("danger"), N_("high"), N_("moderate"), N_("low"), N_("critical"), N_("normal"),
    # alert kinds
    N_("high_risk"), N_("callback"), N_("handoff"), N_("data_request"), N_("provider_auth"), N_("symptomatic"),
    N_("campaign_paused"),
    # campaign states and moves, delivery statuses
    N_("draft"), N_("awaiting_approval"), N_("scheduled"), N_("running"), N_("paused"), N_("finished"),
    N_("cancelled"), N_("launching"), N_("submit"), N_("approve"), N_("launch"), N_("pause"), N_("resume"), N_("cancel"),
    N_("queued"), N_("sending"), N_("sent"), N_("delivered"), N_("seen"), N_("failed"),
    # tracing contact states and import problems
    N_("pending"), N_("calling"), N_("reached"), N_("unreachable"), N_("closed"), N_("opted_out"),
    N_("invalid_phone"), N_("missing_field"), N_("invalid_value"), N_("duplicate"),
    # curators' queue
    N_("new"), N_("resolved"), N_("all"), N_("low_confidence"), N_("expired_answer"), N_("out_of_scope"),
    N_("no_answer"),
    # hand-offs
    N_("open"), N_("held"),
    # report categories
    N_("suspected_case"), N_("quarantine_breach"), N_("scam"), N_("price_gouging"), N_("fake_news"), N_("other"),
    # data requests
    N_("done"), N_("refused"),
)
