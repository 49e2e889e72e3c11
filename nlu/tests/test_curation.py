"""The curators' queue worked through /api/curators and `python -m nlu.curate`: list, label, export, answers."""
from __future__ import annotations

import pytest
import yaml

from bot.engine import handle
from bot.messages import Inbound
from core.app import create_app
from nlu import curate
from nlu.curation import known_texts
from nlu.models import UnansweredQuestion, record_unanswered
from nlu.result import NluResult

TOKEN = "curator-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def api(settings, db, redis_client):
    """A test client of the app with the staff token set."""
    return create_app(settings.with_(staff_api_token=TOKEN)).test_client()


def _queue(settings, db, text, reason="low_confidence", channel="zalo"):
    result = NluResult("nlu_fallback", 0.31, [("nlu_fallback", 0.31), ("faq/pets", 0.22), ("faq/masks", 0.1)])
    with db() as session:
        row = record_unanswered(settings, session, channel=channel, text=text, reason=reason, result=result)
        session.commit()
        return row.id


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/curators/questions", None),
    ("post", "/api/curators/questions/1/resolve", {"label": "faq/pets"}),
    ("get", "/api/curators/training-data", None),
    ("get", "/api/curators/answers", None),
])
def test_every_route_needs_the_staff_token(api, method, path, body):
    assert getattr(api, method)(path, json=body).status_code == 401
    assert getattr(api, method)(path, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_closed_when_no_token_is_configured(settings, db):
    closed = create_app(settings.with_(staff_api_token="")).test_client()
    assert closed.get("/api/curators/questions", headers={"Authorization": "Bearer "}).status_code == 401


def test_a_question_the_bot_could_not_answer_reaches_the_curators(api, settings):
    handle(settings, Inbound(channel="telegram", user_id="cur-1", kind="text", text="zqxj wvkp blorf"))
    (question,) = api.get("/api/curators/questions", headers=AUTH).get_json()["questions"]
    assert question["text"] == "zqxj wvkp blorf" and question["channel"] == "telegram"
    assert question["status"] == "new" and question["predictions"]
    assert all(set(p) == {"intent", "confidence"} for p in question["predictions"])


def test_list_masks_phone_numbers_and_filters(api, settings, db):
    first = _queue(settings, db, "số 0912 345 678 gọi tôi hoài")
    second = _queue(settings, db, "hết hạn rồi", reason="expired_answer")
    body = api.get("/api/curators/questions", headers=AUTH).get_json()
    assert [q["id"] for q in body["questions"]] == [second, first]  # newest first
    assert "0912 345 678" not in body["questions"][1]["text"] and body["questions"][1]["text"].endswith("678 gọi tôi hoài")
    assert body["questions"][1]["predictions"][1] == {"intent": "faq/pets", "confidence": 0.22}
    assert body["counts"] == {"new": {"low_confidence": 1, "expired_answer": 1}}
    only = api.get("/api/curators/questions?reason=expired_answer", headers=AUTH).get_json()["questions"]
    assert [q["id"] for q in only] == [second]
    paged = api.get(f"/api/curators/questions?before_id={second}", headers=AUTH).get_json()["questions"]
    assert [q["id"] for q in paged] == [first]


@pytest.mark.parametrize("query, why", [("status=done", "status must be"), ("limit=ten", "limit must be")])
def test_bad_list_queries_are_400_with_the_reason(api, query, why):
    response = api.get(f"/api/curators/questions?{query}", headers=AUTH)
    assert response.status_code == 400 and why in response.get_json()["description"]


@pytest.mark.parametrize("body, status, why", [
    ({"label": "faq/not_a_topic"}, 400, "unknown label"),
    ({"label": 7}, 400, "expected"),
    ({}, 400, "expected"),
    ("not json", 400, "expected"),
])
def test_bad_resolutions_are_400_and_change_nothing(api, settings, db, body, status, why):
    qid = _queue(settings, db, "chó nhà em bị ho")
    kwargs = {"json": body} if isinstance(body, dict) else {"data": body, "content_type": "application/json"}
    response = api.post(f"/api/curators/questions/{qid}/resolve", headers=AUTH, **kwargs)
    assert response.status_code == status and why in response.get_json()["description"]
    with db() as session:
        row = session.get(UnansweredQuestion, qid)
        assert (row.status, row.label, row.resolved_at) == ("new", None, None)


def test_unknown_question_is_404(api):
    assert api.post("/api/curators/questions/999999/resolve", json={"label": None}, headers=AUTH).status_code == 404


def test_labelled_questions_export_as_training_data(api, settings, db):
    pets = _queue(settings, db, "chó nhà em bị ho,  có lây covid ko, sdt em 0987654321")
    spam = _queue(settings, db, "mua bán sim số đẹp")
    twice = _queue(settings, db, "Chó nhà em bị ho, có lây covid ko, sdt em 0987654321")  # same once masked
    trained = _queue(settings, db, sorted(known_texts())[0])  # already in the data: not exported again
    for qid, label in ((pets, "faq/pets"), (spam, None), (twice, "faq/pets"), (trained, "greet")):
        response = api.post(f"/api/curators/questions/{qid}/resolve", json={"label": label}, headers=AUTH)
        assert response.status_code == 200 and response.get_json()["status"] == "resolved"
    relabel = api.post(f"/api/curators/questions/{spam}/resolve", json={"label": "out_of_scope"}, headers=AUTH)
    assert relabel.get_json()["label"] == "out_of_scope"

    response = api.get("/api/curators/training-data", headers=AUTH)
    data = yaml.safe_load(response.data)
    examples = {block["intent"]: block["examples"].splitlines() for block in data["nlu"]}
    assert examples == {"faq/pets": ["- chó nhà em bị ho, có lây covid ko, sdt em 0900000000"],
                        "out_of_scope": ["- mua bán sim số đẹp"]}
    assert response.headers["X-Loa-Examples"] == "2" and "0987654321" not in response.get_data(as_text=True)
    assert api.get("/api/curators/questions", headers=AUTH).get_json()["questions"] == []


def test_answers_show_their_dates(api):
    body = api.get("/api/curators/answers?warn_days=30", headers=AUTH).get_json()
    states = {a["topic"]: a for a in body["answers"]}
    assert len(states) == 30 and states["faq/distancing_rules"]["state"] == "expired"
    assert states["faq/quarantine"]["state"] in ("current", "expiring") and states["faq/quarantine"]["days_left"] >= 0
    assert all(a["source"] and a["authority"] and a["languages"] == ["en", "vi"] for a in body["answers"])


def test_command_line(settings, db, capsys, tmp_path):
    qid = _queue(settings, db, "con meo muop nha ba ngoai co lay covid ko")
    assert curate.main(["list"]) == 0
    assert f"#{qid}" in capsys.readouterr().out
    assert curate.main(["resolve", str(qid), "faq/nope"]) == 2
    assert "unknown label" in capsys.readouterr().err
    assert curate.main(["resolve", "999999", "-"]) == 2
    assert curate.main(["resolve", str(qid), "faq/pets"]) == 0
    out = tmp_path / "labelled.yml"
    assert curate.main(["export", "-o", str(out)]) == 0
    from nlu.data import load_examples

    assert load_examples([out]) == [("con meo muop nha ba ngoai co lay covid ko", "faq/pets")]
    assert curate.main(["answers", "--strict"]) == 1  # distancing_rules has expired
    assert "faq/distancing_rules" in capsys.readouterr().out
