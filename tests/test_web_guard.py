"""The browser channel's guard over real HTTP: what a foreign page, a rebound host name or a bad body gets.

A tiny app stands in for the channel: ``POST /api/echo`` reads its body with ``read_json`` and
answers it back, ``GET /page`` answers "ok", and each handler counts its calls, so a test can show
that a refused request never reached one.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, unused_port
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.web.guard import (
    BodyError,
    HostPolicy,
    Middleware,
    read_json,
    request_guard,
    security_headers,
)

MAX_BYTES = 16 * 1024


def reject(_request: web.Request, status: int, key: str) -> web.Response:
    return web.json_response({"error": key}, status=status)


@dataclass
class Served:
    """A running test app: its client, its own origin, and the requests its handlers saw."""

    client: TestClient
    port: int
    calls: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def post(self, body: bytes, content_type: str = "application/json", **extra: str) -> tuple[int, dict]:
        """POST to the echo route; ``Sec_Fetch_Site="x"`` sends the header ``Sec-Fetch-Site: x``."""
        headers = {"Content-Type": content_type, **{name.replace("_", "-"): value for name, value in extra.items()}}
        async with self.client.post("/api/echo", data=body, headers=headers) as response:
            return response.status, await response.json()


def make_app(calls: list[str], middlewares: list[Middleware]) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        calls.append("echo")
        try:
            value = await read_json(request, max_bytes=MAX_BYTES)
        except BodyError as error:
            return web.json_response({"error": error.key, "detail": error.detail}, status=error.status)
        return web.json_response({"echo": value})

    async def page(_request: web.Request) -> web.Response:
        calls.append("page")
        return web.json_response({"page": "ok"})

    app = web.Application(middlewares=middlewares)
    app.router.add_post("/api/echo", echo)
    app.router.add_get("/page", page)
    return app


Serve = Callable[..., Awaitable[Served]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start the app on 127.0.0.1, guarded by a policy made from the port, or bare with ``guard=False``."""
    clients: list[TestClient] = []

    async def start(bind_host: str = "127.0.0.1", extra_hosts: tuple[str, ...] = (), guard: bool = True) -> Served:
        port = unused_port()
        calls: list[str] = []
        middlewares: list[Middleware] = [security_headers]
        if guard:
            middlewares.append(request_guard(HostPolicy(bind_host, port, extra_hosts), reject))
        client = TestClient(TestServer(make_app(calls, middlewares), host="127.0.0.1", port=port))
        await client.start_server()
        clients.append(client)
        return Served(client, port, calls)

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def app(serve: Serve) -> Served:
    return await serve()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- cross-site request forgery --------------------------------------------------------------

# What a foreign page can post without a preflight: a text/plain form whose field name and value
# are arranged so the body is valid JSON.
FORGED_FORM = b'{"command": "delete 1", "x": "="}'


async def test_a_text_plain_form_from_another_site_is_refused_before_the_handler(app: Served) -> None:
    status, body = await app.post(
        FORGED_FORM, content_type="text/plain", Origin="http://evil.example", Sec_Fetch_Site="cross-site"
    )
    assert (status, body) == (403, {"error": "error-cross-site"})
    assert app.calls == []


async def test_a_text_plain_form_from_a_browser_that_sends_no_origin_is_refused_for_its_content_type(
    app: Served,
) -> None:
    status, body = await app.post(FORGED_FORM, content_type="text/plain")
    assert (status, body) == (415, {"error": "error-content-type"})
    assert app.calls == []


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json-seq",
        "application/json, text/plain",
        "",
    ],
)
async def test_only_application_json_may_change_state(app: Served, content_type: str) -> None:
    status, body = await app.post(b"{}", content_type=content_type, Origin=app.origin)
    assert (status, body) == (415, {"error": "error-content-type"})
    assert app.calls == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_every_state_changing_method_from_another_origin_is_refused(app: Served, method: str) -> None:
    headers = {"Content-Type": "application/json", "Origin": "http://evil.example"}
    async with app.client.request(method, "/api/echo", data=b"{}", headers=headers) as response:
        assert response.status == 403 and await response.json() == {"error": "error-cross-site"}
    assert app.calls == []


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "null",  # a sandboxed frame or a local file
        "http://localhost:{port}",  # the same server under another name is another origin
        "http://127.0.0.1:1",  # another local server
        "ftp://127.0.0.1:{port}",  # not a web page
    ],
)
async def test_an_origin_other_than_the_servers_own_is_refused(app: Served, origin: str) -> None:
    status, body = await app.post(b"{}", Origin=origin.format(port=app.port))
    assert (status, body) == (403, {"error": "error-cross-site"})
    assert app.calls == []


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
async def test_a_request_the_browser_marks_as_from_another_site_is_refused(app: Served, site: str) -> None:
    status, body = await app.post(b"{}", Sec_Fetch_Site=site)
    assert (status, body) == (403, {"error": "error-cross-site"})
    assert app.calls == []


@pytest.mark.parametrize("site", ["same-origin", "none"])
async def test_a_request_from_the_page_itself_or_typed_by_the_user_passes(app: Served, site: str) -> None:
    status, body = await app.post(b'{"text": "hej"}', Origin=app.origin, Sec_Fetch_Site=site)
    assert (status, body) == (200, {"echo": {"text": "hej"}})


async def test_the_page_posting_json_from_its_own_origin_gets_its_answer(app: Served) -> None:
    status, body = await app.post(
        '{"text": "Unge mænd 18-25", "n": [1, 2.5, null, true]}'.encode(), Origin=app.origin.upper()
    )
    assert (status, body) == (200, {"echo": {"text": "Unge mænd 18-25", "n": [1, 2.5, None, True]}})
    assert app.calls == ["echo"]


async def test_behind_a_tls_proxy_the_pages_https_origin_passes(serve: Serve) -> None:
    """The proxy ends TLS and forwards plain http with the Host it got: the page's https
    origin names the same host and port, and no other server can answer on that port."""
    app = await serve(bind_host="0.0.0.0", extra_hosts=("coach.example.org",))
    secure = await app.post(b"{}", Host="coach.example.org", Origin="https://coach.example.org")
    elsewhere = await app.post(b"{}", Host="coach.example.org", Origin="https://evil.example")
    assert (secure, elsewhere) == ((200, {"echo": {}}), (403, {"error": "error-cross-site"}))


async def test_a_client_that_sends_no_origin_like_curl_passes(app: Served) -> None:
    status, body = await app.post(b'{"command": "status"}')
    assert (status, body) == (200, {"echo": {"command": "status"}})


async def test_get_and_head_are_checked_for_host_only(app: Served) -> None:
    headers = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"}
    async with app.client.get("/page", headers=headers) as response:
        assert response.status == 200
    async with app.client.head("/page", headers=headers) as response:
        assert response.status == 200
    assert app.calls == ["page", "page"]


# --- Host: DNS rebinding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "localhost:1", "127.0.0.2:{port}", "127.0.0.1.evil.example"]
)
async def test_a_host_the_server_does_not_answer_to_is_refused(app: Served, host: str) -> None:
    host = host.format(port=app.port)
    async with app.client.get("/page", headers={"Host": host}) as response:
        assert response.status == 421 and await response.json() == {"error": "error-host"}
    # A rebound page is same-origin with itself, so only the Host gives the attack away.
    status, body = await app.post(b"{}", Host=host, Origin=f"http://{host}")
    assert (status, body) == (421, {"error": "error-host"})
    assert app.calls == []


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LocalHost", "[::1]:{port}", "[0:0::1]"]
)
async def test_loopback_names_with_or_without_the_port_are_served(app: Served, host: str) -> None:
    async with app.client.get("/page", headers={"Host": host.format(port=app.port)}) as response:
        assert response.status == 200


async def test_a_post_through_another_loopback_name_works_when_its_origin_matches(app: Served) -> None:
    host = f"localhost:{app.port}"
    status, body = await app.post(b"[]", Host=host, Origin=f"http://{host}")
    assert (status, body) == (200, {"echo": []})


async def test_a_server_bound_to_every_interface_answers_to_any_well_formed_host(serve: Serve) -> None:
    app = await serve(bind_host="0.0.0.0")
    host = f"coach.lan:{app.port}"
    async with app.client.get("/page", headers={"Host": host}) as response:
        assert response.status == 200
    assert await app.post(b"{}", Host=host, Origin=f"http://{host}") == (200, {"echo": {}})
    assert await app.post(b"{}", Host=host, Origin="http://evil.example") == (403, {"error": "error-cross-site"})
    async with app.client.get("/page", headers={"Host": "coach lan"}) as response:
        assert response.status == 421


async def test_a_server_behind_a_proxy_answers_to_the_proxys_names_and_loopback_only(serve: Serve) -> None:
    app = await serve(bind_host="0.0.0.0", extra_hosts=("coach.example.org", "coach.example.org:8443"))
    for host, status in [
        ("coach.example.org", 200),
        ("coach.example.org:8443", 200),
        (f"coach.example.org:{app.port}", 200),
        ("coach.example.org:8444", 421),
        (f"localhost:{app.port}", 200),
        (f"evil.example:{app.port}", 421),
        (f"0.0.0.0:{app.port}", 421),  # the wildcard is where the server listens, not a name it has
    ]:
        async with app.client.get("/page", headers={"Host": host}) as response:
            assert response.status == status, host


def test_a_wildcard_bind_without_names_allows_any_host_and_with_names_does_not() -> None:
    assert HostPolicy("0.0.0.0", 3978).allows_any_host
    assert HostPolicy("::", 3978).allows_any_host
    assert not HostPolicy("0.0.0.0", 3978, ["coach.example.org"]).allows_any_host
    assert not HostPolicy("127.0.0.1", 3978).allows_any_host


def test_a_named_bind_host_is_allowed_on_its_port_and_ipv6_ones_in_brackets() -> None:
    assert HostPolicy("192.168.1.5", 3978).allows("192.168.1.5:3978")
    assert not HostPolicy("192.168.1.5", 3978).allows("192.168.1.5:80")
    assert HostPolicy("2001:db8::5", 3978).allows("[2001:DB8:0::5]:3978")
    assert HostPolicy("Coach.Local", 3978).allows("coach.local")


@pytest.mark.parametrize(
    "host",
    [
        "",
        " ",
        "localhost:",
        "localhost:0",
        "localhost:65536",
        "localhost:3978:3978",
        "user@localhost",
        "::1",
        "[::1",
        "[not-ipv6]",
        "local host",
        "localhost/path",
        "\u212aoach.local",  # the Kelvin sign lowercases to an ASCII k
    ],
)
def test_an_empty_or_malformed_host_is_refused_even_when_any_host_is_allowed(host: str) -> None:
    assert not HostPolicy("0.0.0.0", 3978).allows(host)
    assert not HostPolicy("coach.local", 3978).allows(host)


@pytest.mark.parametrize(("bind_host", "extra"), [("bad host", "ok.example"), ("127.0.0.1", "bad/name")])
def test_a_bad_bind_host_or_extra_name_is_refused_at_start_up(bind_host: str, extra: str) -> None:
    with pytest.raises(ValueError, match="not a host name"):
        HostPolicy(bind_host, 3978, [extra])


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
async def test_read_json_refuses_other_media_types_even_without_the_guard(serve: Serve, content_type: str) -> None:
    app = await serve(guard=False)
    status, body = await app.post(b"{}", content_type=content_type)
    assert (status, body) == (415, {"error": "error-content-type", "detail": "send application/json"})


# --- security headers ------------------------------------------------------------------------

EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


async def test_every_response_carries_the_security_headers_refusals_and_errors_included(app: Served) -> None:
    requests = [
        (app.client.get("/page"), 200),
        (app.client.get("/nowhere"), 404),  # raised as an HTTPException by the router
        (app.client.post("/api/echo", data=b"{}", headers={"Content-Type": "text/plain"}), 415),  # the guard's
        (app.client.post("/api/echo", data=b"[1,", headers={"Content-Type": "application/json"}), 400),
    ]
    for request, status in requests:
        async with request as response:
            assert response.status == status
            assert {name: response.headers.get(name) for name in EXPECTED_HEADERS} == EXPECTED_HEADERS


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
