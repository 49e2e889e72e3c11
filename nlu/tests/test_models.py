"""The curators' queue table and record_unanswered."""
from nlu.models import UnansweredQuestion, record_unanswered
from nlu.result import NluResult


def test_record_unanswered(settings, db):
    result = NluResult("nlu_fallback", 0.4, [("nlu_fallback", 0.4), ("faq/masks", 0.3), ("greet", 0.1)])
    with db() as session:
        row = record_unanswered(settings, session, channel="zalo", text="con mèo nhà tôi ho " + "x" * 2000,
                                reason="low_confidence", result=result)
        session.commit()
        row_id = row.id
    with db() as session:
        row = session.get(UnansweredQuestion, row_id)
        assert (row.channel, row.citizen_id, row.language, row.reason, row.status) == (
            "zalo", None, settings.default_language, "low_confidence", "new")
        assert row.predictions == [["nlu_fallback", 0.4], ["faq/masks", 0.3], ["greet", 0.1]]
        assert len(row.text) == 1000 and row.created_at is not None
