"""The name citizens know the service by: the province's own call centre, never the software's name."""
from __future__ import annotations

from bot.places import province_name
from core.i18n import gettext
from core.settings import Settings


def service_name(settings: Settings, lang: str) -> str:
    """SERVICE_NAME when set, else "Tổng đài phòng chống dịch <province>" (in the citizen's language)."""
    if settings.service_name:
        return settings.service_name
    return gettext(lang, "the %(province)s epidemic prevention call centre",
                   province=province_name(settings.province_code))
