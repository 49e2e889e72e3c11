"""The console blueprint with every page registered (core.app lists "console.views:bp")."""
from __future__ import annotations

from console.blueprint import bp
from console import (  # noqa: F401  (each module adds its routes to bp)
    admin_pages,
    alert_pages,
    assets,
    context,
    conversation_pages,
    auth,
    campaign_pages,
    declaration_pages,
    hotline_pages,
    question_pages,
    report_pages,
    simulator_pages,
    today,
    tracing_pages,
    tracing_people,
)

__all__ = ["bp"]
