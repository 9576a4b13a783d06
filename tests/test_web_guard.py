"""The browser channel's body reader over real HTTP: what a bad body gets.

A tiny app stands in for the channel: ``POST /api/echo`` reads its body with ``read_json`` and
answers it back.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.web.guard import BodyError, read_json

MAX_BYTES = 16 * 1024


@dataclass
class Served:
    """A running test app and its client."""

    client: TestClient

    async def post(self, body: bytes, content_type: str = "application/json", **extra: str) -> tuple[int, dict]:
        """POST to the echo route; ``Content_Encoding="x"`` sends the header ``Content-Encoding: x``."""
        headers = {"Content-Type": content_type, **{name.replace("_", "-"): value for name, value in extra.items()}}
        async with self.client.post("/api/echo", data=body, headers=headers) as response:
            return response.status, await response.json()


def make_app() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        try:
            value = await read_json(request, max_bytes=MAX_BYTES)
        except BodyError as error:
            return web.json_response({"error": error.key, "detail": error.detail}, status=error.status)
        return web.json_response({"echo": value})

    app = web.Application()
    app.router.add_post("/api/echo", echo)
    return app


@pytest.fixture
async def app() -> AsyncIterator[Served]:
    async with TestClient(TestServer(make_app())) as client:
        yield Served(client)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- bodies ----------------------------------------------------------------------------------


async def test_json_nested_5000_deep_is_a_400_not_a_crash(app: Served) -> None:
    assert await app.post(nested(5000)) == (400, {"error": "error-bad-request", "detail": "nested too deep"})


async def test_nesting_is_limited_to_max_depth_containers(app: Served) -> None:
    assert (await app.post(nested(32)))[0] == 200
    assert await app.post(b'{"a": ' + nested(32) + b"}") == (
        400,
        {"error": "error-bad-request", "detail": "nested too deep"},
    )


@pytest.mark.parametrize(
    "parameters", ["charset=foobar", "charset=latin-1", "charset=utf-16", "charset", "charset=utf-8; charset=latin-1"]
)
async def test_a_charset_other_than_utf8_is_a_415(app: Served, parameters: str) -> None:
    status, body = await app.post(b"{}", content_type=f"application/json; {parameters}")
    assert (status, body["error"]) == (415, "error-charset")


@pytest.mark.parametrize(
    "content_type",
    ["application/json;0*", "application/json; =;;*=x", "APPLICATION/JSON;", "application/json; x-charset=latin-1"],
)
async def test_parameters_the_charset_is_not_among_are_ignored(app: Served, content_type: str) -> None:
    assert await app.post(b"[1]", content_type=content_type) == (200, {"echo": [1]})


@pytest.mark.parametrize("content_type", ["application/json; charset=UTF-8", 'application/json; charset="utf8"'])
async def test_utf8_may_be_named_either_way(app: Served, content_type: str) -> None:
    assert await app.post(b'"\xc3\xa6"', content_type=content_type) == (200, {"echo": "æ"})


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_refused_by_name(app: Served, constant: str) -> None:
    status, body = await app.post(f'{{"value": [1, {constant}]}}'.encode())
    assert (status, body) == (400, {"error": "error-bad-request", "detail": f"{constant} is not allowed"})


@pytest.mark.parametrize(
    "number", ["1e999", "-1e999", str(2**53), str(-(2**53)), "1" * 5000, '{"project_id": 1' + "0" * 30 + "}"]
)
async def test_numbers_that_overflow_or_cannot_be_held_exactly_are_refused(app: Served, number: str) -> None:
    assert await app.post(number.encode()) == (400, {"error": "error-bad-request", "detail": "number out of range"})


async def test_the_largest_exact_integers_and_floats_pass(app: Served) -> None:
    body = json.dumps([2**53 - 1, -(2**53 - 1), 1.5e308]).encode()
    assert await app.post(body) == (200, {"echo": [2**53 - 1, -(2**53 - 1), 1.5e308]})


@pytest.mark.parametrize("body", [b'{"text": "\xff"}', b'"\xed\xa0\x80"', b'"caf\xe9"'])
async def test_bytes_that_are_not_utf8_are_a_400(app: Served, body: bytes) -> None:
    assert await app.post(body) == (400, {"error": "error-bad-request", "detail": "not UTF-8"})


@pytest.mark.parametrize("text", [r'{"text": "a\u0000b"}', r'{"a\ud800": 1}', r'["\udc00"]'])
async def test_text_no_database_can_store_is_a_400(app: Served, text: str) -> None:
    detail = "text with NUL or a lone surrogate"
    assert await app.post(text.encode()) == (400, {"error": "error-bad-request", "detail": detail})


async def test_a_surrogate_pair_is_one_character_and_passes(app: Served) -> None:
    assert await app.post(rb'"\ud83d\ude00"') == (200, {"echo": "😀"})


@pytest.mark.parametrize(
    ("body", "position"),
    [
        (b"", "line 1, column 1"),
        (b'{"a": 1,}', "line 1, column 9"),
        (b"{}{}", "line 1, column 3"),
        (b"[\n tru]", "line 2, column 2"),
    ],
)
async def test_other_bad_json_is_a_400_that_names_only_the_position(app: Served, body: bytes, position: str) -> None:
    assert await app.post(body) == (400, {"error": "error-bad-request", "detail": f"invalid JSON at {position}"})


async def test_a_body_over_max_bytes_is_a_413_and_one_of_exactly_max_bytes_passes(app: Served) -> None:
    fits = b'"' + b"a" * (MAX_BYTES - 2) + b'"'
    assert (await app.post(fits))[0] == 200
    assert await app.post(fits + b" ") == (
        413,
        {"error": "error-too-large", "detail": f"larger than {MAX_BYTES} bytes"},
    )


async def test_an_upload_over_the_limit_is_refused_without_waiting_for_the_rest(app: Served) -> None:
    """A chunked body has no length to check up front, and this one never ends: only counting can stop it."""

    async def endless_upload() -> AsyncIterator[bytes]:
        yield b"[" + b"0," * MAX_BYTES
        await asyncio.Event().wait()

    async with asyncio.timeout(5):
        headers = {"Content-Type": "application/json"}
        async with app.client.post("/api/echo", data=endless_upload(), headers=headers) as response:
            assert response.status == 413 and (await response.json())["error"] == "error-too-large"


async def test_a_compressed_body_counts_its_decompressed_size(app: Served) -> None:
    bomb = gzip.compress(b"[" + b"0," * MAX_BYTES + b"0]")
    assert len(bomb) < MAX_BYTES
    status, body = await app.post(bomb, Content_Encoding="gzip")
    assert (status, body["error"]) == (413, "error-too-large")
    assert await app.post(gzip.compress(b'{"a": 1}'), Content_Encoding="gzip") == (200, {"echo": {"a": 1}})


async def test_a_body_that_does_not_decompress_is_a_400(app: Served) -> None:
    status, body = await app.post(b'{"a": 1}', Content_Encoding="gzip")
    assert (status, body) == (400, {"error": "error-bad-request", "detail": "body does not match its Content-Encoding"})


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "", "application/jsonx", "text/plain;0*"]
)
async def test_only_application_json_is_read(app: Served, content_type: str) -> None:
    status, body = await app.post(b"{}", content_type=content_type)
    assert (status, body) == (415, {"error": "error-content-type", "detail": "send application/json"})


# --- anything at all -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
BODIES = st.one_of(
    st.binary(max_size=2048),
    JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=0, max_value=3000).map(nested),
)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
CONTENT_TYPES = st.one_of(
    st.sampled_from(["application/json", "application/json; charset=utf-8", "application/json; charset=foobar"]),
    HEADER_TEXT.map(lambda params: "application/json" + params),
    HEADER_TEXT,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, content_type=CONTENT_TYPES)
async def test_no_body_or_content_type_gets_a_server_error(app: Served, body: bytes, content_type: str) -> None:
    async with app.client.post("/api/echo", data=body, headers={"Content-Type": content_type}) as response:
        assert response.status < 500
        if response.status == 200:
            assert (await response.json())["echo"] == json.loads(body)
