"""The app starts and reports its dependencies."""


def test_healthz_reports_database_and_redis(client, db, redis_client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["redis"] == "ok"
    assert body["nlu"] in ("ok", "degraded", "keywords")
