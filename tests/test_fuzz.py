"""Whatever is thrown at the coach, it answers: never a 5xx, never a traceback.

Property-based (hypothesis): arbitrary JSON, text and command strings at the browser
chat's API on the real server, and arbitrary lines at the terminal chat.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.terminal.chat import chat
from bot.coach import Coach
from flows.loader import load_guides
from storage.db import Database
from tests.conftest import start_server
from tests.teams_fake import fixture, fixture_names

COMMAND_WORDS = [
    "start",
    "skift",
    "switch",
    "ret",
    "edit",
    "slet",
    "delete ja",
    "status",
    "svar",
    "tilbage",
    "spring",
    "afslut",
    "omdøb",
    "eksport",
    "projekter",
    "guider",
    "hjælp",
    "start kommer-forbi",
    "start vejviseren",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
typed = st.one_of(
    st.text(max_size=80),
    st.builds(lambda w, rest: f"{w} {rest}", st.sampled_from(COMMAND_WORDS), st.text(max_size=20)),
    st.sampled_from(["ja", "nej", "1", "², ³", "1.028", "15.12", "i morgen", "\x00", "- a\n- b", "9" * 30]),
)
bodies = (
    st.fixed_dictionaries(
        {"conversation": st.sampled_from(["fuzz", "fuzz-2"]), "user": st.sampled_from(["Mette", "Ali\x00"])},
        optional={
            "command": typed,
            "text": typed,
            "answer": st.fixed_dictionaries({"step": st.text(max_size=20), "value": json_values}),
            "project_id": st.integers(min_value=-(2**64), max_value=2**64) | st.text(max_size=5),
            "lang": st.sampled_from(["da", "en", "fr", ""]),
            "event": st.text(max_size=10),
        },
    )
    | json_values
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    started = start_server(tmp_path_factory.mktemp("fuzz") / "data")
    try:
        yield started.url
    finally:
        started.process.terminate()
        output, _ = started.process.communicate(timeout=10)
        assert "Traceback" not in (output or ""), output


def post(url: str, body: bytes, content_type: str = "application/json", path: str = "/chat/api/turn") -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_any_json_gets_an_answer_or_a_clear_4xx(server: str, body: object) -> None:
    status = post(server, json.dumps(body).encode())
    assert status < 500, body


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=foobar", "text/plain", "", "application/json; charset=latin-1"]
    ),
)
def test_any_bytes_get_a_clear_4xx_at_worst(server: str, raw: bytes, content_type: str) -> None:
    assert post(server, raw, content_type) < 500


# Teams' real activities, each with some of its fields replaced by anything: the bot's replies
# go to a port where nothing listens (the server runs in the Bot Framework Emulator's mode).
NOBODY = "http://127.0.0.1:9/"
activities = st.builds(
    lambda name, changes: {**fixture(name, serviceUrl=NOBODY), **changes},
    st.sampled_from(fixture_names()),
    st.dictionaries(
        st.sampled_from(
            [
                "type",
                "text",
                "value",
                "from",
                "conversation",
                "recipient",
                "entities",
                "channelData",
                "name",
                "id",
                "serviceUrl",
                "locale",
                "replyToId",
                "membersAdded",
                "action",
                "attachments",
            ]
        ),
        json_values,
        max_size=3,
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(activity=activities)
def test_any_teams_activity_gets_an_answer_or_a_clear_4xx(server: str, activity: dict[str, object]) -> None:
    assert post(server, json.dumps(activity).encode(), path="/api/messages") < 500, activity


@pytest.fixture(scope="module")
def terminal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("terminal") / "coach.sqlite3"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(typed.map(lambda text: text.replace("\n", " ")), min_size=1, max_size=12))
def test_any_lines_in_the_terminal_get_answers(terminal_db: Path, lines: list[str]) -> None:
    async def talk() -> str:
        db = Database(f"sqlite+aiosqlite:///{terminal_db}")
        await db.upgrade()
        try:
            out = io.StringIO()
            script = "\n".join(["/start kommer-forbi Fuzz", *lines, "/quit"]) + "\n"
            await chat(Coach(db, load_guides()), "Mette", "da", stdin=io.StringIO(script), stdout=out)
            return out.getvalue()
        finally:
            await db.dispose()

    said = asyncio.run(talk())
    assert said.rstrip().endswith("Farvel! Jeres svar er gemt.")
