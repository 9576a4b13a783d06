"""A fake Slack for the Slack tests: its Web API, Socket Mode, signed requests and real payloads.

The Slack tests drive the real bot over real HTTP, so the other side has to be Slack as the
bot meets it, not a mock of the bot's own calls. :class:`FakeSlack` is an aiohttp server on
a free loopback port that answers the Web API the way ``slack_sdk``'s ``AsyncWebClient``
calls it (``POST <base_url><method>``, form or JSON body, ``Authorization: Bearer``), keeps
workspaces, users, channels, messages, views and uploaded files apart per workspace, and
records every call in order, so a test can say what the team would have seen. It refuses
what Slack refuses (a revoked token, another workspace's channel, a message over Slack's
block limits), and :meth:`FakeSlack.fail` makes it have a bad day (429 with ``Retry-After``,
``channel_not_found``, a 500).

It runs in the test's event loop, like ``tests/fake_chat.py``: the bot under test runs in
its own process and reaches it over loopback. Point the bot's ``slack.api_url`` at
:attr:`FakeSlack.base_url`.

Requests *to* the bot are built here too: :func:`sign` computes Slack's request signature
(https://api.slack.com/authentication/verifying-requests-from-slack), and the ``*_body``
builders encode payloads as Slack sends them. :func:`fixture` loads the real payloads kept
in ``tests/fixtures/slack`` (their sources are listed in that folder's README).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import json
import mimetypes
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

FIXTURES = Path(__file__).parent / "fixtures" / "slack"

# --- fixtures and requests to the bot -------------------------------------------------------


@cache
def _stored(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture(name: str) -> dict[str, Any]:
    """The payload in ``tests/fixtures/slack/<name>.json`` without its ``_source``, as a
    fresh copy a test may change."""
    return {key: value for key, value in copy.deepcopy(_stored(name)).items() if key != "_source"}


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack signs a request with: HMAC-SHA256 of ``v0:<timestamp>:<body>``
    keyed with the app's signing secret, hex, prefixed ``v0=``. ``timestamp`` defaults to
    now; pass an old one for a stale request."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def slash_command_body(fixture: dict[str, Any], **overrides: str) -> bytes:
    """A slash command as Slack posts it: the fields form-encoded
    (``application/x-www-form-urlencoded``)."""
    return urlencode({**fixture, **overrides}).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    """An interaction (button, select, modal) as Slack posts it: one form field, ``payload``,
    holding the JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_body(envelope: dict[str, Any]) -> bytes:
    """An Events API request as Slack posts it: the envelope as JSON."""
    return json.dumps(envelope).encode()


# --- what the fake saw -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request to the fake, in arrival order: the Web API method (or ``"upload"`` for a
    file's bytes, ``"response_url"`` for a post to :attr:`FakeSlack.response_url`), its
    arguments with JSON-valued ones (``blocks``, ``view``, ...) decoded and any client secret
    left out, the token it came with, and what the fake answered (``None`` for a 5xx or an
    upload)."""

    method: str
    args: dict[str, Any]
    token: str | None
    response: dict[str, Any] | None = None


@dataclass(frozen=True)
class SocketAck:
    """A Socket Mode client's acknowledgement of one envelope (with its response payload, if
    it sent one)."""

    envelope_id: str
    payload: dict[str, Any] | None


@dataclass
class UploadedFile:
    """A file as ``files.getUploadURLExternal``, the upload and ``files.completeUploadExternal``
    left it."""

    file_id: str
    team_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None


# --- Slack's limits on blocks and views ----------------------------------------------------------
# From the Block Kit reference (https://docs.slack.dev/reference/block-kit): the limits a
# message or view meets most, so a reply that would not fit in Slack fails here as there.

_MAX_LENGTH = {  # (block, element or object type, field) -> characters; "*" is any type
    ("section", "text"): 3000,
    ("field", "text"): 2000,
    ("header", "text"): 150,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("button", "text"): 75,
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("option", "text"): 75,
    ("option", "value"): 150,
    ("option", "description"): 75,
    ("view", "title"): 24,
    ("view", "submit"): 24,
    ("view", "close"): 24,
    ("view", "private_metadata"): 3000,
    ("view", "callback_id"): 255,
    ("view", "external_id"): 255,
    ("*", "placeholder"): 150,
    ("*", "action_id"): 255,
    ("*", "block_id"): 255,
}
_MAX_ITEMS = {  # (type, list field) -> items
    ("message", "blocks"): 50,
    ("view", "blocks"): 100,
    ("section", "fields"): 10,
    ("context", "elements"): 10,
    ("actions", "elements"): 25,
    ("static_select", "options"): 100,
    ("static_select", "option_groups"): 100,
    ("multi_static_select", "options"): 100,
    ("checkboxes", "options"): 10,
    ("radio_buttons", "options"): 10,
    ("overflow", "options"): 5,
}
MESSAGE_TEXT_MAX = 40_000  # chat.postMessage answers msg_too_long beyond this


def _item_kind(field_name: str, item: dict[str, Any]) -> str:
    if field_name in ("options", "initial_options"):
        return "option"
    if field_name == "fields":
        return "field"
    return str(item.get("type", field_name))


def _limit_problems(node: dict[str, Any], kind: str, pointer: str = "") -> Iterator[str]:
    """Slack's complaints about ``node`` (a block, element, view or ``{"blocks": [...]}``
    message of type ``kind``), worded as Slack words them, with the JSON pointer to the
    offending field."""
    for key, value in node.items():
        here = f"{pointer}/{key}"
        is_text_object = isinstance(value, dict) and value.get("type") in ("plain_text", "mrkdwn")
        text = value.get("text") if is_text_object else value
        longest = _MAX_LENGTH.get((kind, key)) or _MAX_LENGTH.get(("*", key))
        if longest and isinstance(text, str) and len(text) > longest:
            yield f"must be less than {longest + 1} characters [json-pointer:{here}{'/text' if is_text_object else ''}]"
        if isinstance(value, list):
            most = _MAX_ITEMS.get((kind, key))
            if most and len(value) > most:
                yield f"no more than {most} items allowed [json-pointer:{here}]"
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _limit_problems(item, _item_kind(key, item), f"{here}/{index}")
        elif isinstance(value, dict) and not is_text_object:
            yield from _limit_problems(value, str(value.get("type", key)), here)


# --- the fake's world ----------------------------------------------------------------------------


class SlackError(Exception):
    """An ``{"ok": false, "error": ...}`` answer, with any extra fields Slack adds."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.body = {"ok": False, "error": error, **extra}


def _invalid(error: str, problems: list[str]) -> SlackError:
    return SlackError(error, errors=problems, response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})


@dataclass
class Workspace:
    team_id: str
    name: str
    token: str
    bot_user_id: str
    bot_id: str
    scopes: str

    @property
    def domain(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or self.team_id.lower()


@dataclass
class User:
    user_id: str
    team_id: str
    name: str
    locale: str


@dataclass
class Channel:
    channel_id: str
    team_id: str
    name: str
    is_private: bool
    members: set[str] | None  # None: everyone in the workspace

    def has(self, user_id: str) -> bool:
        return self.members is None or user_id in self.members


@dataclass
class Failure:
    error: str
    status: int
    retry_after: int
    times: int


BOT_SCOPES = "commands,chat:write,app_mentions:read,channels:history,groups:history,users:read,files:write"
_JSON_ARGS = {  # arguments Slack takes as JSON, and its error when one does not parse
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "files": "invalid_arguments",
    "metadata": "invalid_metadata_format",
}
_SERVER_ERROR = "<html><head><title>Server Error | Slack</title></head><body>Server Error</body></html>"


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _decode_json_args(args: dict[str, Any]) -> None:
    """Form-encoded calls carry ``blocks``, ``view``, ... as JSON text; JSON calls as values."""
    for name, error in _JSON_ARGS.items():
        if isinstance(args.get(name), str):
            try:
                args[name] = json.loads(args[name])
            except json.JSONDecodeError:
                raise SlackError(error) from None


@dataclass
class FakeSlack:
    """Slack's Web API and Socket Mode on a free loopback port; see the module docstring.

    Use it as ``async with FakeSlack() as slack:`` (or :meth:`start` / :meth:`close`), then
    set the world up with :meth:`add_workspace`, :meth:`add_user` and :meth:`add_channel`.
    """

    app_id: str = "A111"
    app_token: str = "xapp-1-A111-fake"  # the app-level token Socket Mode opens connections with
    client_id: str = "111.222"
    client_secret: str = "fake-client-secret"
    base_url: str = ""  # ends in "/"; AsyncWebClient(base_url=...) calls <base_url><method>
    socket_acks: list[SocketAck] = field(default_factory=list)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    _calls: list[Call] = field(default_factory=list)
    _workspaces: dict[str, Workspace] = field(default_factory=dict)
    _revoked: set[str] = field(default_factory=set)
    _users: dict[str, User] = field(default_factory=dict)
    _channels: dict[str, Channel] = field(default_factory=dict)
    _messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _views: dict[str, dict[str, Any]] = field(default_factory=dict)
    _homes: dict[tuple[str, str], str] = field(default_factory=dict)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _delays: dict[str, float] = field(default_factory=dict)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _counter: int = 0
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    _root: str = ""

    # --- lifecycle

    async def start(self) -> FakeSlack:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_post("/hooks/response_url", self._response_url)
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._root = f"http://127.0.0.1:{port}"
        self.base_url = f"{self._root}/api/"
        return self

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    # --- setting the world up

    def add_workspace(
        self, team_id: str, token: str, bot_user_id: str, name: str, *, scopes: str = BOT_SCOPES
    ) -> Workspace:
        """A workspace the app is installed in, with its bot token and bot user."""
        workspace = Workspace(team_id, name, token, bot_user_id, f"B{bot_user_id[1:]}", scopes)
        self._workspaces[team_id] = workspace
        return workspace

    def add_user(self, team_id: str, user_id: str, name: str, locale: str = "da-DK") -> User:
        user = User(user_id, team_id, name, locale)
        self._users[user_id] = user
        return user

    def add_channel(
        self, team_id: str, channel_id: str, name: str, members: Iterable[str] | None = None, is_private: bool = False
    ) -> Channel:
        """A channel the bot is in. ``members`` are its people; by default everyone in the
        workspace."""
        channel = Channel(channel_id, team_id, name, is_private, None if members is None else set(members))
        self._channels[channel_id] = channel
        return channel

    def oauth_code(self, team_id: str, installer: str | None = None) -> str:
        """A one-time code, as Slack's OAuth redirect carries it, that ``oauth.v2.access``
        exchanges for ``team_id``'s bot token. ``installer`` defaults to the workspace's first
        user."""
        if installer is None:
            installer = next((u.user_id for u in self._users.values() if u.team_id == team_id), None)
        if installer is None:
            raise ValueError(f"add a user to {team_id} first, or name the installer")
        code = f"{team_id}.{uuid.uuid4().hex}"
        self._codes[code] = (team_id, installer)
        return code

    def fail(
        self, method: str, error: str = "ratelimited", status: int | None = None, retry_after: int = 1, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``error``: a 429 with Slack's
        ``Retry-After`` header for ``ratelimited``, a 200 ``{"ok": false}`` for any other
        error, or Slack's HTML error page for a ``status`` of 500 and up."""
        status = status if status is not None else 429 if error == "ratelimited" else 200
        self._failures.setdefault(method, []).append(Failure(error, status, retry_after, times))

    def slow(self, method: str, seconds: float) -> None:
        """Slack taking ``seconds`` to answer ``method`` (a slow day, a long upload)."""
        self._delays[method] = seconds

    def revoke(self, token: str) -> None:
        """The token stops working, as after an uninstall: ``invalid_auth`` from then on."""
        self._revoked.add(token)

    # --- what happened

    def calls(self, method: str | None = None) -> list[Call]:
        return [call for call in self._calls if method is None or call.method == method]

    def last(self, method: str) -> Call:
        found = self.calls(method)
        assert found, f"no {method} call; calls so far: {[call.method for call in self._calls]}"
        return found[-1]

    def clear(self) -> None:
        self._calls.clear()
        self.socket_acks.clear()

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """A message the bot posted, as it stands after any ``chat.update``."""
        return self._messages[(channel, ts)]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The first ``count`` calls of ``method``, once they have arrived: the bot does its
        slow work after the ack, so its calls come a little later."""
        try:
            await self._wait(lambda: len(self.calls(method)) >= count, timeout)
        except TimeoutError:
            seen = [call.method for call in self._calls]
            raise AssertionError(f"expected {count} {method} call(s) within {timeout} s; calls: {seen}") from None
        return self.calls(method)[:count]

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> SocketAck:
        def acked() -> SocketAck | None:
            return next((ack for ack in self.socket_acks if ack.envelope_id == envelope_id), None)

        try:
            await self._wait(lambda: acked() is not None, timeout)
        except TimeoutError:
            raise AssertionError(f"envelope {envelope_id} not acknowledged within {timeout} s") from None
        return acked()  # type: ignore[return-value]

    async def _wait(self, done: Callable[[], bool], timeout: float) -> None:
        assert self._changed is not None, "start() the fake first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), timeout)

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # --- Socket Mode

    async def socket_send(self, envelope: dict[str, Any], timeout: float = 5.0) -> None:
        """Send an envelope over the newest Socket Mode connection, waiting for one to open."""
        await self._wait(lambda: any(not socket.closed for socket in self._sockets), timeout)
        await next(socket for socket in reversed(self._sockets) if not socket.closed).send_json(envelope)

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        hello = fixture("socket_mode_hello")
        hello["num_connections"] = sum(not s.closed for s in self._sockets)
        hello["connection_info"]["app_id"] = self.app_id
        await socket.send_json(hello)
        await self._notify()
        async for message in socket:
            ack = json.loads(message.data) if message.type == WSMsgType.TEXT else {}
            if "envelope_id" in ack:
                self.socket_acks.append(SocketAck(ack["envelope_id"], ack.get("payload")))
                await self._notify()
        return socket

    # --- the Web API

    @property
    def response_url(self) -> str:
        """A ``response_url`` on the fake, to put in a slash command or interaction payload;
        what the bot posts there is recorded as a ``"response_url"`` call."""
        return f"{self._root}/hooks/response_url"

    async def _record(
        self, method: str, args: dict[str, Any], token: str | None, response: dict[str, Any] | None
    ) -> None:
        public = {key: value for key, value in args.items() if key != "client_secret"}
        self._calls.append(Call(method, public, token, response))
        await self._notify()

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], str | None]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update({key: value for key, value in (await request.post()).items() if isinstance(value, str)})
        token: str | None = args.pop("token", None)
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        if scheme == "Bearer":
            token = credentials
        elif scheme == "Basic":
            client_id, _, secret = base64.b64decode(credentials).decode().partition(":")
            args.setdefault("client_id", client_id)
            args.setdefault("client_secret", secret)
        return args, token

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, token = await self._read(request)
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        failure = self._take_failure(method)
        if failure is not None and failure.status >= 500:
            await self._record(method, args, token, None)
            return web.Response(status=failure.status, text=_SERVER_ERROR, content_type="text/html")
        status, headers = 200, {}
        try:
            _decode_json_args(args)
            if failure is not None:
                status = failure.status
                if status == 429:
                    headers["Retry-After"] = str(failure.retry_after)
                raise SlackError(failure.error)
            handler = self._methods().get(method)
            if handler is None:
                raise SlackError("unknown_method")
            body = {"ok": True, **handler(token, args)}
        except SlackError as refused:
            body = refused.body
        await self._record(method, args, token, body)
        return web.json_response(body, status=status, headers=headers)

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.files.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="file not found", content_type="text/plain")
        upload.content = await request.read()
        await self._record("upload", {"file_id": upload.file_id, "length": len(upload.content)}, None, None)
        return web.Response(text=f"OK - {len(upload.content)}", content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.Response:
        await self._record("response_url", await request.json(), None, {"ok": True})
        return web.json_response({"ok": True})

    def _methods(self) -> dict[str, Callable[[str | None, dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "auth.revoke": self._auth_revoke,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "users.info": self._users_info,
            "users.conversations": self._users_conversations,
            "conversations.info": self._conversations_info,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "oauth.v2.access": self._oauth_access,
            "apps.connections.open": self._connections_open,
        }

    # --- who is asking, and about what

    def _workspace(self, token: str | None) -> Workspace:
        if not token:
            raise SlackError("not_authed")
        if token == self.app_token:
            raise SlackError("not_allowed_token_type")
        found = next((w for w in self._workspaces.values() if w.token == token), None)
        if found is None or token in self._revoked:
            raise SlackError("invalid_auth")
        return found

    def _channel(self, workspace: Workspace, channel_id: Any) -> Channel:
        """Channels belong to one workspace; another workspace's token cannot see them, and
        Slack answers ``channel_not_found`` exactly as for a channel that does not exist."""
        channel = self._channels.get(str(channel_id))
        if channel is None or channel.team_id != workspace.team_id:
            raise SlackError("channel_not_found")
        return channel

    def _user(self, workspace: Workspace, user_id: Any) -> User:
        user = self._users.get(str(user_id))
        if user is None or user.team_id != workspace.team_id:
            raise SlackError("user_not_found")
        return user

    def _next_ts(self) -> str:
        self._counter += 1
        micros = 1_700_000_000_000_000 + self._counter * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # --- auth

    def _auth_test(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        return {
            "url": f"https://{workspace.domain}.slack.com/",
            "team": workspace.name,
            "user": "outreach_coach",
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "is_enterprise_install": False,
        }

    def _auth_revoke(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        self._workspace(token)
        if _truthy(args.get("test")):
            return {"revoked": False}
        self.revoke(token)  # type: ignore[arg-type]
        return {"revoked": True}

    def _oauth_access(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("client_id") != self.client_id:
            raise SlackError("invalid_client_id")
        if args.get("client_secret") != self.client_secret:
            raise SlackError("bad_client_secret")
        team_id, installer = self._codes.pop(str(args.get("code")), (None, None))
        if team_id is None:
            raise SlackError("invalid_code")
        workspace = self._workspaces[team_id]
        if workspace.token in self._revoked:  # reinstalled after an uninstall: Slack issues a new token
            workspace.token = f"xoxb-{workspace.team_id}-{uuid.uuid4().hex[:12]}"
        return {
            "access_token": workspace.token,
            "token_type": "bot",
            "scope": workspace.scopes,
            "bot_user_id": workspace.bot_user_id,
            "app_id": self.app_id,
            "team": {"name": workspace.name, "id": workspace.team_id},
            "enterprise": None,
            "authed_user": {"id": installer},
            "is_enterprise_install": False,
        }

    def _connections_open(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        if not token:
            raise SlackError("not_authed")
        if token != self.app_token:
            raise SlackError("not_allowed_token_type" if token.startswith("xox") else "invalid_auth")
        ws_root = self._root.replace("http://", "ws://", 1)
        return {"url": f"{ws_root}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"}

    # --- messages

    def _check_message(self, args: dict[str, Any]) -> None:
        blocks, text = args.get("blocks"), args.get("text")
        if not (text or blocks or args.get("attachments")):
            raise SlackError("no_text")
        if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
        if blocks is not None:
            if not isinstance(blocks, list):
                raise SlackError("invalid_blocks_format")
            problems = list(_limit_problems({"blocks": blocks}, "message"))
            if problems:
                raise _invalid("invalid_blocks", problems)

    def _post_message(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        channel = self._channel(workspace, args.get("channel"))
        self._check_message(args)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "app_id": self.app_id,
            "team": workspace.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        self._messages[(channel.channel_id, ts)] = message
        return {"channel": channel.channel_id, "ts": ts, "message": message}

    def _post_ephemeral(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        channel = self._channel(workspace, args.get("channel"))
        user = self._users.get(str(args.get("user")))
        if user is None or user.team_id != workspace.team_id or not channel.has(user.user_id):
            raise SlackError("user_not_in_channel")
        self._check_message(args)
        return {"message_ts": self._next_ts()}

    def _posted(self, workspace: Workspace, args: dict[str, Any]) -> tuple[Channel, dict[str, Any]]:
        channel = self._channel(workspace, args.get("channel"))
        message = self._messages.get((channel.channel_id, str(args.get("ts"))))
        if message is None:
            raise SlackError("message_not_found")
        return channel, message

    def _update(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        channel, message = self._posted(workspace, args)
        self._check_message({"text": message["text"], **args})
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        return {"channel": channel.channel_id, "ts": message["ts"], "text": message["text"], "message": message}

    def _delete(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._posted(self._workspace(token), args)
        del self._messages[(channel.channel_id, message["ts"])]
        return {"channel": channel.channel_id, "ts": message["ts"]}

    # --- views

    def _view(self, workspace: Workspace, view: Any, view_id: str | None = None) -> dict[str, Any]:
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            raise _invalid("invalid_arguments", ["view must be a modal or home view [json-pointer:/view]"])
        problems = list(_limit_problems(view, "view", "/view"))
        if view["type"] == "modal" and "title" not in view:
            problems.append("missing required field: title [json-pointer:/view/title]")
        if problems:
            raise _invalid("invalid_arguments", problems)
        view_id = view_id or f"V{uuid.uuid4().hex[:10].upper()}"
        stored = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            **view,
            "id": view_id,
            "team_id": workspace.team_id,
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.{uuid.uuid4().hex[:8]}",
            "root_view_id": view_id,
            "app_id": self.app_id,
            "app_installed_team_id": workspace.team_id,
            "bot_id": workspace.bot_id,
        }
        self._views[view_id] = stored
        return stored

    def _views_open(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        if not args.get("trigger_id"):
            raise _invalid("invalid_arguments", ["missing required field: trigger_id"])
        return {"view": self._view(workspace, args.get("view"))}

    def _views_publish(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        user = self._user(workspace, args.get("user_id"))
        home = (workspace.team_id, user.user_id)
        view = self._view(workspace, args.get("view"), self._homes.get(home))
        self._homes[home] = view["id"]
        return {"view": view}

    def _views_update(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        external_id = args.get("external_id")
        by_external_id = (v for v in self._views.values() if external_id and v["external_id"] == external_id)
        current = self._views.get(str(args.get("view_id"))) or next(by_external_id, None)
        if current is None or current["team_id"] != workspace.team_id:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._view(workspace, args.get("view"), current["id"])}

    # --- people and channels

    def _users_info(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        user = self._user(workspace, args.get("user"))
        found: dict[str, Any] = {
            "id": user.user_id,
            "team_id": user.team_id,
            "name": user.name.split()[0].lower(),
            "deleted": False,
            "real_name": user.name,
            "tz": "Europe/Copenhagen",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "profile": {
                "real_name": user.name,
                "real_name_normalized": user.name,
                "display_name": user.name,
                "display_name_normalized": user.name,
                "team": user.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "is_app_user": False,
        }
        if _truthy(args.get("include_locale")):
            found["locale"] = user.locale
        return {"user": found}

    def _conversation(self, channel: Channel) -> dict[str, Any]:
        return {
            "id": channel.channel_id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": not channel.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": True,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": channel.team_id,
            "created": 1_700_000_000,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    def _users_conversations(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        """The channels ``user`` (or the bot) is in, of the ``types`` asked for (Slack's
        default: public channels only)."""
        workspace = self._workspace(token)
        user_id = self._user(workspace, args["user"]).user_id if args.get("user") else None
        types = str(args.get("types") or "public_channel").split(",")
        found = [
            self._conversation(channel)
            for channel in self._channels.values()
            if channel.team_id == workspace.team_id
            and ("private_channel" if channel.is_private else "public_channel") in types
            and (user_id is None or channel.has(user_id))
        ]
        return {"channels": found, "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(self._workspace(token), args.get("channel"))
        return {"channel": self._conversation(channel)}

    # --- files

    def _get_upload_url(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise _invalid("invalid_arguments", ["filename and length are required"])
        file_id = f"F{uuid.uuid4().hex[:10].upper()}"
        self.files[file_id] = UploadedFile(file_id, workspace.team_id, str(args["filename"]), int(args["length"]))
        return {"upload_url": f"{self._root}/upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        workspace = self._workspace(token)
        channel = self._channel(workspace, args["channel_id"]) if args.get("channel_id") else None
        completed = []
        for item in args.get("files") or []:
            upload = self.files.get(str(item.get("id")))
            if upload is None or upload.team_id != workspace.team_id or upload.content is None:
                raise SlackError("file_not_found")
            upload.title = item.get("title") or upload.filename
            upload.channel_id = channel.channel_id if channel else None
            upload.thread_ts = args.get("thread_ts")
            upload.initial_comment = args.get("initial_comment")
            completed.append(self._file_object(workspace, upload))
        if not completed:
            raise _invalid("invalid_arguments", ["files must list at least one uploaded file"])
        return {"files": completed}

    def _file_object(self, workspace: Workspace, upload: UploadedFile) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        private = f"https://files.slack.com/files-pri/{workspace.team_id}-{upload.file_id}/{upload.filename}"
        return {
            "id": upload.file_id,
            "created": 1_700_000_000,
            "timestamp": 1_700_000_000,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": mimetype,
            "filetype": upload.filename.rpartition(".")[2] if "." in upload.filename else "binary",
            "user": workspace.bot_user_id,
            "user_team": workspace.team_id,
            "size": len(upload.content or b""),
            "mode": "hosted",
            "is_external": False,
            "is_public": upload.channel_id is not None,
            "url_private": private,
            "url_private_download": f"{private.replace('/files-pri/', '/files-pri/download/', 1)}",
            "permalink": f"https://{workspace.domain}.slack.com/files/{workspace.bot_user_id}/{upload.file_id}/"
            f"{upload.filename}",
            "channels": [upload.channel_id] if upload.channel_id else [],
        }
