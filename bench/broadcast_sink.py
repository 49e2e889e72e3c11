"""A minimal asyncio HTTP server answering like the Zalo OA API, for bench/broadcast.py (so the Flask sandbox's
own cost is not what is measured): `python bench/broadcast_sink.py PORT`.

POST /zalo/openapi/v3.0/oa/message/cs  -> {"error": 0, "message": "Success", "data": {"message_id", "user_id"}}
POST /zalo/oauth/v4/oa/access_token    -> a fresh token pair (never needed when ZALO_ACCESS_TOKEN is set)
It stands at the sandbox's address (the same paths), so Loa sees no real provider URL and stays in sandbox mode.
GET  /count                       -> {"sent": n}: messages accepted so far
"""
from __future__ import annotations

import itertools
import json
import sys

from aiohttp import web

_ids = itertools.count(1)
_sent = 0


async def send(request: web.Request) -> web.Response:
    """Accept one consultation message."""
    global _sent
    body = await request.json()
    _sent += 1
    return web.json_response({"error": 0, "message": "Success", "data": {
        "message_id": f"sink{next(_ids)}", "user_id": (body.get("recipient") or {}).get("user_id")}})


async def token(_request: web.Request) -> web.Response:
    """A token pair, like Zalo's OAuth host."""
    n = next(_ids)
    return web.Response(text=json.dumps({"access_token": f"at{n}", "refresh_token": f"rt{n}", "expires_in": "90000"}),
                        content_type="application/json")


async def count(_request: web.Request) -> web.Response:
    """How many messages the sink accepted."""
    return web.json_response({"sent": _sent})


def main(port: int) -> None:
    """Serve until killed."""
    app = web.Application()
    app.router.add_post("/zalo/openapi/v3.0/oa/message/cs", send)
    app.router.add_post("/zalo/oauth/v4/oa/access_token", token)
    app.router.add_get("/count", count)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
