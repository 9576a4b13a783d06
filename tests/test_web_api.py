"""The browser chat's API on the real server: health, turns, downloads and bad requests."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import start_server


async def post_turn(http: aiohttp.ClientSession, url: str, **body: object) -> tuple[int, dict]:
    async with http.post(f"{url}/chat/api/turn", json={"conversation": "lokal", "user": "Mette", **body}) as response:
        return response.status, await response.json()


def words(reply: dict) -> str:
    """A text reply's words, as the page shows them (commands as typed in the browser)."""
    return "\n".join(
        "".join(part["text"] for part in line)
        for block in reply["text"]["blocks"]
        for line in block.get("lines", block.get("items", []))
    )


async def test_health_and_page(web_server: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{web_server}/healthz") as response:
        assert response.status == 200 and (await response.json()) == {"status": "ok"}
    async with http.get(web_server) as response:  # the bare address leads to the chat
        assert response.status == 200 and "text/html" in response.headers["Content-Type"]
        assert response.url.path == "/chat/"


async def test_a_guide_started_and_answered_over_the_api_exports_a_logbook(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    status, body = await post_turn(http, web_server, command="start kommer-forbi Fitness Nord")
    assert status == 200
    question = [r for r in body["replies"] if r["type"] == "question"][-1]
    assert question["step"] == "target_group_chosen" and question["kind"] == "confirm"
    project_id = question["project_id"]
    status, body = await post_turn(http, web_server, answer={"step": "target_group_chosen", "value": True})
    status, body = await post_turn(http, web_server, text="Unge mænd 18-25")
    assert [r for r in body["replies"] if r["type"] == "question"][-1]["step"] == "actors_chosen"
    status, body = await post_turn(http, web_server, command="export")
    [export] = [r for r in body["replies"] if r["type"] == "export"]
    assert export["project_id"] == project_id
    async with http.get(f"{web_server}/chat/{export['links']['md']}") as response:
        assert response.status == 200
        assert "attachment" in response.headers["Content-Disposition"]
        text = await response.text()
    assert "Unge mænd 18-25" in text and "Mette" in text
    async with http.get(f"{web_server}/chat/{export['links']['csv']}") as response:
        lines = (await response.text()).splitlines()
    assert lines[0].startswith("\ufeffTidspunkt;Type;Hvem;Trin") and any("Unge mænd 18-25" in line for line in lines)


async def test_unknown_or_foreign_project_ids_get_a_404_with_a_message(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    await post_turn(http, web_server, command="start kommer-forbi Fitness Nord")
    status, body = await post_turn(http, web_server, command="status", project_id=999)
    assert status == 404 and body == {"error": "Det projekt findes ikke her."}
    status, body = await post_turn(http, web_server, command="status", project_id=1, conversation="another-room")
    assert status == 404 and body == {"error": "Det projekt findes ikke her."}
    async with http.get(f"{web_server}/chat/api/exports/not-a-signed-link.md") as response:
        assert response.status == 404 and "udløbet" in (await response.json())["error"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"text": "a", "command": "status"}',
        b'{"answer": {"value": 1}}',
        b'{"project_id": "x", "text": "a"}',
    ],
)
async def test_malformed_requests_get_a_400_with_a_message(
    web_server: str, http: aiohttp.ClientSession, body: bytes
) -> None:
    async with http.post(
        f"{web_server}/chat/api/turn", data=body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"].startswith("Forespørgslen kunne ikke læses")


async def test_an_unknown_command_gets_short_help_and_an_unknown_guide_the_list(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    _, body = await post_turn(http, web_server, command="fly")
    texts = [words(r) for r in body["replies"] if r["type"] == "text"]
    assert "kender jeg ikke" in texts[0] and "Skriv /hjælp for at se" in texts[1]
    assert "/outreach" not in json.dumps(body)
    _, body = await post_turn(http, web_server, command="start kommer-forbii")
    texts = "\n".join(words(r) for r in body["replies"] if r["type"] == "text")
    assert "findes ikke" in texts and "vejviseren" in texts


async def test_an_over_long_answer_is_refused_and_nothing_is_saved(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    await post_turn(http, web_server, command="start kommer-forbi X")
    await post_turn(http, web_server, text="ja")
    _, body = await post_turn(http, web_server, text="x" * 4001)
    assert "4.001 tegn, højst 4.000" in words(body["replies"][0])
    assert [r for r in body["replies"] if r["type"] == "question"][-1]["step"] == "target_group"
    _, body = await post_turn(http, web_server, command="answers")
    assert "x" * 100 not in json.dumps(body)


async def test_with_a_token_the_page_and_api_need_it(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    server = start_server(tmp_path / "data", "--host", "127.0.0.1", env={"OUTREACH_COACH_ACCESS_TOKEN": "s3cret"})
    try:
        async with http.get(server.url) as response:
            assert response.status == 401
        async with http.get(f"{server.url}/?token=s3cret") as response:
            assert response.status == 200
        async with http.post(f"{server.url}/chat/api/turn", json={"command": "help"}) as response:
            assert response.status == 401
        headers = {"Authorization": "Bearer s3cret"}
        async with http.post(f"{server.url}/chat/api/turn", json={"command": "help"}, headers=headers) as response:
            assert response.status == 200
        async with http.get(f"{server.url}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{server.url}/chat/static/chat.js") as response:
            assert response.status == 200  # a <script> tag cannot send the token
        async with http.get(f"{server.url}/chat/api/events?conversation=x&client=y") as response:
            assert response.status == 401
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
