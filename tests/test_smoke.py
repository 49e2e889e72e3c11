"""The app starts and reports its dependencies."""


def test_healthz_reports_database_and_redis(client, db, redis_client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["redis"] == "ok"
    assert body["nlu"] in ("ok", "degraded", "keywords")


def test_healthz_says_the_nlu_is_degraded_when_rasa_is_down(settings, migrated):
    from core.app import create_app
    from core.testing import free_port

    down = settings.with_(nlu_url=f"http://127.0.0.1:{free_port()}")
    response = create_app(down).test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["nlu"] == "degraded"


def test_healthz_is_503_when_redis_is_down(settings, migrated):
    from core.app import create_app
    from core.testing import free_port

    down = settings.with_(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    response = create_app(down).test_client().get("/healthz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "down" and body["redis"].startswith("down")
    assert body["database"] == "ok"
