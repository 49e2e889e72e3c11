"""Behind a load balancer (PROXY_HOPS=1) the client's own address is what sign-in limits and audit rows see."""
from __future__ import annotations

import pytest
from flask import request

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("hops, seen", [(0, "10.0.0.5"), (1, "203.0.113.7")])
def test_the_client_address_behind_a_proxy(settings, hops, seen):
    from core.app import create_app

    app = create_app(settings.with_(proxy_hops=hops))
    app.add_url_rule("/_test/ip", "test_ip", lambda: request.remote_addr)
    got = app.test_client().get("/_test/ip", headers={"X-Forwarded-For": "203.0.113.7"},
                                environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert got.get_data(as_text=True) == seen
