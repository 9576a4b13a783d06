"""The browser chat probed the way a hostile page, a careless client or a curious admin
would, on the real server: each gets a clear 4xx or a polite answer, never a 5xx."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.config import load_config
from bot.server import make_app
from tests.conftest import free_port, start_server

API = "/chat/api/turn"


async def turn(http: aiohttp.ClientSession, url: str, **body: object) -> tuple[int, dict]:
    async with http.post(f"{url}{API}", json={"conversation": "probe", "user": "Mette", **body}) as response:
        return response.status, await response.json()


async def projects(http: aiohttp.ClientSession, url: str) -> str:
    _, body = await turn(http, url, command="projects")
    return json.dumps(body, ensure_ascii=False)


async def test_a_cross_site_form_cannot_delete_a_project(web_server: str, http: aiohttp.ClientSession) -> None:
    await turn(http, web_server, command="start kommer-forbi Beskyttet")
    # What a hostile page's <form enctype="text/plain"> posts: the "=" lands in a field.
    form = '{"conversation": "probe", "user": "x", "command": "delete ja", "pad": "="}'
    async with http.post(f"{web_server}{API}", data=form, headers={"Content-Type": "text/plain"}) as response:
        assert response.status == 415
    headers = {"Origin": "http://evil.example", "Content-Type": "application/json"}
    async with http.post(f"{web_server}{API}", data=form, headers=headers) as response:
        assert response.status == 403
    headers = {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}
    async with http.post(f"{web_server}{API}", data=form, headers=headers) as response:
        assert response.status == 403
    assert "Beskyttet" in await projects(http, web_server)


async def test_a_rebound_host_name_is_refused(web_server: str, http: aiohttp.ClientSession) -> None:
    """DNS rebinding: evil.example resolves to 127.0.0.1, so the browser sends its name."""
    for path in ("/chat/", API):
        async with http.get(f"{web_server}{path}", headers={"Host": "evil.example"}) as response:
            assert response.status in (403, 421)


async def test_the_page_sends_the_usual_security_headers(web_server: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{web_server}/chat/") as response:
        assert response.status == 200
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("[" * 5000 + "]" * 5000, "application/json", 400),
        ('{"text": "x"}', "application/json; charset=foobar", 415),
        ('{"conversation": "probe", "answer": {"step": "x", "value": NaN}}', "application/json", 400),
        ('{"conversation": "probe", "text": "x", "project_id": 2147483648}', "application/json", 400),
        ('{"conversation": "probe", "text": "x", "project_id": 9223372036854775808}', "application/json", 400),
    ],
    ids=["nested-5000", "charset-foobar", "nan", "id-2^31", "id-2^63"],
)
async def test_malformed_bodies_get_a_clear_4xx(
    web_server: str, http: aiohttp.ClientSession, body: str, content_type: str, status: int
) -> None:
    async with http.post(f"{web_server}{API}", data=body.encode(), headers={"Content-Type": content_type}) as response:
        assert response.status == status
        assert (await response.json())["error"]


async def test_odd_but_harmless_input_gets_a_polite_answer(web_server: str, http: aiohttp.ClientSession) -> None:
    status, body = await turn(http, web_server, command="start kommer-forbi Nul\u0000byte")
    assert status == 400 and "NUL" in body["error"]  # PostgreSQL's text cannot hold it; the sender is told
    status, body = await turn(http, web_server, command="start kommer-forbi Nulbyte")
    assert status == 200 and "Nulbyte" in json.dumps(body, ensure_ascii=False)
    for command in ("switch ²", "edit ²", "skift 99999999999999999999"):
        status, _ = await turn(http, web_server, command=command)
        assert status == 200, command
    status, _ = await turn(http, web_server, answer={"step": "target_group_chosen", "value": "²"})
    assert status == 200


async def test_the_token_uses_any_bearer_case_and_never_goes_into_links(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    server = start_server(tmp_path / "data", env={"OUTREACH_COACH_ACCESS_TOKEN": "s3cret-token"})
    try:
        for scheme in ("Bearer", "bearer", "BEARER"):
            headers = {"Authorization": f"{scheme} s3cret-token"}
            async with http.post(f"{server.url}{API}", json={"command": "help"}, headers=headers) as response:
                assert response.status == 200, scheme
        headers = {"Authorization": "Bearer s3cret-token"}
        async with http.post(f"{server.url}{API}", json={"command": "start kommer-forbi X"}, headers=headers):
            pass
        async with http.post(f"{server.url}{API}", json={"command": "export"}, headers=headers) as response:
            [export] = [r for r in (await response.json())["replies"] if r["type"] == "export"]
        assert all("s3cret" not in link for link in export["links"].values())
        async with http.get(f"{server.url}/chat/{export['links']['md']}") as response:  # no token needed
            assert response.status == 200 and "Logbog: X" in await response.text()
        tampered = export["links"]["md"].replace("api/exports/", "api/exports/x")
        async with http.get(f"{server.url}/chat/{tampered}") as response:
            assert response.status == 404
    finally:
        server.process.terminate()
        output, _ = server.process.communicate(timeout=10)
    assert "s3cret-token" not in output, "the token is not printed at start-up"


async def test_the_web_token_guards_the_chat_alone(tmp_path: Path) -> None:
    """A channel mounted beside the chat (as Slack and Teams will be) answers without it."""
    port = free_port()
    (tmp_path / "config.toml").write_text(f"[server]\nport = {port}\n", encoding="utf-8")
    environ = {"OUTREACH_COACH_DATA_DIR": str(tmp_path), "OUTREACH_COACH_ACCESS_TOKEN": "t"}
    app = await make_app(load_config(tmp_path / "config.toml", environ=environ))

    async def beside(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    slack = web.Application()
    slack.router.add_post("/events", beside)
    app.add_subapp("/slack", slack)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}/slack/events", json={}) as response:
                assert response.status == 200
            async with http.post(f"http://127.0.0.1:{port}{API}", json={"command": "help"}) as response:
                assert response.status == 401
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
    finally:
        await runner.cleanup()


@pytest.fixture(params=["web_server", "postgres_server"], ids=["sqlite", "postgres"])
def any_server(request: pytest.FixtureRequest) -> str:
    """The real server on SQLite, then on PostgreSQL."""
    return request.getfixturevalue(request.param)


async def test_an_answer_racing_a_delete_never_gets_a_5xx(any_server: str, http: aiohttp.ClientSession) -> None:
    """Before: SQLite failed a foreign key and PostgreSQL deadlocked (500 either way)."""
    url = any_server
    for round_ in range(8):
        room = f"race-{round_}"
        _, body = await turn(http, url, conversation=room, command="start kommer-forbi Kapløb")
        project_id = [r for r in body["replies"] if r["type"] == "question"][-1]["project_id"]
        await turn(http, url, conversation=room, text="ja")
        answer = http.post(
            f"{url}{API}", json={"conversation": room, "user": "Ali", "project_id": project_id, "text": "Unge"}
        )
        delete = http.post(
            f"{url}{API}",
            json={"conversation": room, "user": "Mette", "project_id": project_id, "command": "delete ja"},
        )
        responses = await asyncio.gather(answer, delete)
        statuses = sorted(response.status for response in responses)
        for response in responses:
            response.release()
        assert statuses in ([200, 200], [200, 404]), statuses
        _, listing = await turn(http, url, conversation=room, command="projects")
        assert "Kapløb" not in json.dumps(listing, ensure_ascii=False)
