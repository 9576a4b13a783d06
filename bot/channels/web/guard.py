"""What stands between the open web and the browser channel's API.

By default the coach listens on loopback without a token, so the only thing keeping any page the
user visits from driving the API is the browser's same-origin policy. That policy lets a foreign
page *send* a "simple" request (a form post with ``text/plain``, ``multipart/form-data`` or
``application/x-www-form-urlencoded``) without asking first; it only hides the answer. Because
``request.json()`` parses any content type, such a post could delete a project. DNS rebinding is the
same attack from a hostile host name that resolves to 127.0.0.1, which makes the page same-origin
with the coach in the browser's eyes; only the Host header gives it away.

So the channel refuses a request whose Host is not a name the server answers to, and a
state-changing request that comes from another origin or is not ``application/json`` (which a
foreign page can only send after a CORS preflight that this server never grants). ``read_json``
then parses the body into values that the rest of the coach and both databases can hold, turning
every bad body into a 4xx instead of a 500.

Wire the middlewares outermost first, so the headers land on the guard's refusals too::

    app.middlewares.extend([security_headers, request_guard(HostPolicy(host, port), reject)])

Message keys handed to ``reject`` or carried by :class:`BodyError`: ``error-host`` (421),
``error-cross-site`` (403), ``error-content-type`` (415), ``error-charset`` (415),
``error-too-large`` (413), ``error-bad-request`` (400, with a short English ``detail``).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from aiohttp import hdrs, web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]
Reject = Callable[[web.Request, int, str], web.StreamResponse]

JSON_MEDIA_TYPE = "application/json"
UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
# RFC 9110's safe methods; every other method may change state and gets the full check.
SAFE_METHODS = frozenset({hdrs.METH_GET, hdrs.METH_HEAD, hdrs.METH_OPTIONS, hdrs.METH_TRACE})
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# The largest integers that JavaScript (the page) and PostgreSQL's bigint both hold exactly (RFC 7493).
MAX_SAFE_INTEGER = 2**53 - 1

SECURITY_HEADERS = {
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

# A Host header: a lowercase name or a bracketed IPv6 literal, then an optional port.
_AUTHORITY = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?")
# Characters PostgreSQL's text cannot store (NUL) or that are not Unicode text at all (lone surrogates).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every response, refusals and errors included, the same strict browser policy.

    The page loads only its own script, styles and API, so nothing else is allowed: an injected
    script cannot run or phone home, no other site can frame the page (clickjacking), and the
    ``?token=`` in the page's address never leaks through a Referer. The headers replace any a
    handler set, so no route weakens the policy by accident. A handler that prepares a streaming
    response itself has sent its headers before this runs; the channel has none.
    """
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


@dataclass(frozen=True)
class HostPolicy:
    """The Host header values this server answers to; anything else is DNS rebinding or a mistake.

    Allowed are the loopback names, the bind host unless it is a wildcard, and ``extra_hosts`` (the
    names a reverse proxy forwards, ``name`` or ``name:port``). An entry without a port stands for
    the bind port, and a Host header without a port matches its name on any allowed port. A bad
    bind host or extra name raises :class:`ValueError` here, at start-up, not on the first request.
    """

    bind_host: str
    port: int
    extra_hosts: Sequence[str] = ()
    _allowed: frozenset[tuple[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [*LOOPBACK_HOSTS, *self.extra_hosts]
        if not _is_wildcard(self.bind_host):
            names.append(self.bind_host)
        allowed = set()
        for name in names:
            authority = _parse_authority(_bracket_ipv6(name))
            if authority is None:
                raise ValueError(f"not a host name: {name!r}")
            host, port = authority
            allowed.add((host, self.port if port is None else port))
        object.__setattr__(self, "extra_hosts", tuple(self.extra_hosts))
        object.__setattr__(self, "_allowed", frozenset(allowed))

    @property
    def allows_any_host(self) -> bool:
        """True when bound to every interface with no names given: the access token guards that set-up.

        Such a server is reached by whatever address or name the network gives it, so no list
        could be right; the configuration refuses to serve beyond loopback without a token.
        """
        return _is_wildcard(self.bind_host) and not self.extra_hosts

    def allows(self, host_header: str) -> bool:
        """Whether a request with this Host header is meant for this server (never for an empty or malformed one)."""
        authority = _parse_authority(host_header)
        if authority is None:
            return False
        if self.allows_any_host:
            return True
        host, port = authority
        if port is None:
            return any(host == allowed for allowed, _ in self._allowed)
        return (host, port) in self._allowed


def _is_wildcard(bind_host: str) -> bool:
    """Whether binding to this host listens on every interface (asyncio reads "" that way too)."""
    if not bind_host:
        return True
    try:
        return ipaddress.ip_address(bind_host).is_unspecified
    except ValueError:
        return False


def _bracket_ipv6(name: str) -> str:
    """A bind host or configured name as it appears in a Host header: bare IPv6 literals get brackets."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name
    return f"[{address}]" if address.version == 6 else name


def _parse_authority(text: str) -> tuple[str, int | None] | None:
    """``(host, port)`` from ``host[:port]``, lowercased and with IPv6 written canonically; None if malformed.

    Only ASCII is accepted: browsers send names in their punycode form, and lowercasing other
    characters could turn them into ASCII letters (the Kelvin sign becomes ``k``).
    """
    if not text.isascii():
        return None
    match = _AUTHORITY.fullmatch(text.lower())
    if match is None:
        return None
    host, port_text = match["name"], match["port"]
    if host.startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1])}]"
        except ValueError:
            return None
    if port_text is None:
        return host, None
    port = int(port_text)
    return (host, port) if 0 < port < 65536 else None


def request_guard(policy: HostPolicy, reject: Reject) -> Middleware:
    """A middleware that refuses requests a foreign web page could have made, before any handler runs.

    Every request must carry an allowed Host (``error-host``, 421 Misdirected Request: the request
    names an authority this server does not answer for, which is what DNS rebinding produces; 403
    would claim the server knows the resource and forbids it). A request with a method that may
    change state (anything but GET, HEAD, OPTIONS, TRACE) must also come from this server's own
    origin (``error-cross-site``, 403) and be ``application/json`` (``error-content-type``, 415).

    A request without ``Origin`` (curl, other servers, older browsers) passes the origin check; for
    the older browsers the content-type check still stops a cross-site form. The origin compared is
    the request's scheme and Host, so behind a proxy that terminates TLS the proxy must forward the
    Host and a middleware before this one must set the scheme (``request.clone(scheme="https")``).
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get(hdrs.HOST, "")
        if not policy.allows(host):
            return reject(request, 421, "error-host")
        if request.method not in SAFE_METHODS:
            if cross_site(request, host):
                return reject(request, 403, "error-cross-site")
            if _content_type(request)[0] != JSON_MEDIA_TYPE:
                return reject(request, 415, "error-content-type")
        return await handler(request)

    return guard


def cross_site(request: web.Request, host: str) -> bool:
    """Whether the browser says the request came from another origin.

    ``Sec-Fetch-Site: same-site`` is refused too: another port on localhost is the same site.
    ``Origin: null`` (sandboxed frames, local files) never equals a real origin. The origin's
    host and port must be the request's Host; its scheme may be http or https, because behind
    a proxy that ends TLS the browser's https page reaches this server as plain http.
    """
    fetch_sites = {value.strip().lower() for value in request.headers.getall("Sec-Fetch-Site", [])}
    if fetch_sites & {"cross-site", "same-site"}:
        return True
    for origin in request.headers.getall(hdrs.ORIGIN, []):
        scheme, separator, authority = origin.strip().lower().partition("://")
        if not separator or scheme not in ("http", "https") or authority != host.lower():
            return True
    return False


def _content_type(request: web.Request) -> tuple[str, list[str]]:
    """The lowercased media type and every ``charset`` parameter given, parsed without the stdlib.

    aiohttp's ``request.content_type`` and ``request.charset`` go through the email package's header
    parser, which raises IndexError on headers such as ``application/json;0*``: a 500. This reads
    only what the channel needs, and anything but exactly ``application/json`` is simply not JSON.
    """
    media_type, *parameters = request.headers.get(hdrs.CONTENT_TYPE, "").split(";")
    charsets = []
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charsets.append(value.strip().strip('"').lower())
    return media_type.strip().lower(), charsets


class BodyError(Exception):
    """A request body the API refuses: the HTTP ``status``, a message ``key``, and a short ``detail``.

    ``detail`` is plain English meant for the client's developer and never carries Python's own
    exception text, so it is safe to show.
    """

    def __init__(self, status: int, key: str, detail: str) -> None:
        super().__init__(status, key, detail)
        self.status = status
        self.key = key
        self.detail = detail


class _Refused(Exception):
    """Raised from inside the JSON parser's hooks to stop at a value we will not accept."""


async def read_json(request: web.Request, *, max_bytes: int, max_depth: int = 32) -> Any:
    """The request's JSON body, or :class:`BodyError` for anything the coach could not use or store.

    Checked in order: the media type (415 ``error-content-type``); the charset, which must be absent
    or UTF-8 (415 ``error-charset``); the size, counted on the bytes actually received, so chunked
    and compressed bodies count too (413 ``error-too-large``); then, each a 400 ``error-bad-request``:
    a compressed body that does not decompress, bytes that are not UTF-8, JSON that does not parse,
    ``NaN``/``Infinity``/``-Infinity`` and numbers that overflow to them (PostgreSQL's JSON refuses
    them), integers beyond ±(2**53 - 1) (too large for a database id, and the page's JavaScript
    would round them), text with NUL (PostgreSQL's text refuses it) or lone surrogates (not text at
    all), and nesting deeper than ``max_depth`` containers.
    """
    media_type, charsets = _content_type(request)
    if media_type != JSON_MEDIA_TYPE:
        raise BodyError(415, "error-content-type", "send application/json")
    if not UTF8_CHARSETS.issuperset(charsets):
        raise BodyError(415, "error-charset", "send UTF-8")
    raw = await _read_at_most(request, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError(400, "error-bad-request", "not UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_safe_int)
    except _Refused as refused:
        raise BodyError(400, "error-bad-request", str(refused)) from None
    except RecursionError:
        raise BodyError(400, "error-bad-request", "nested too deep") from None
    except json.JSONDecodeError as error:
        raise BodyError(
            400, "error-bad-request", f"invalid JSON at line {error.lineno}, column {error.colno}"
        ) from None
    _check_values(value, max_depth)
    return value


async def _read_at_most(request: web.Request, max_bytes: int) -> bytes:
    """The whole body, reading no more than one byte past ``max_bytes`` whatever Content-Length claims.

    aiohttp undoes a ``Content-Encoding`` while the body streams in, so the limit counts the decoded
    bytes (no zip bombs), and a body that does not decode surfaces here as a payload error.
    """
    body = bytearray()
    while len(body) <= max_bytes:
        try:
            chunk = await request.content.read(max_bytes + 1 - len(body))
        except web.RequestPayloadError:
            raise BodyError(400, "error-bad-request", "body does not match its Content-Encoding") from None
        if not chunk:
            return bytes(body)
        body += chunk
    raise BodyError(413, "error-too-large", f"larger than {max_bytes} bytes")


def _refuse_constant(name: str) -> NoReturn:
    raise _Refused(f"{name} is not allowed")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused("number out of range")
    return number


def _safe_int(text: str) -> int:
    # The digits are counted first: Python refuses to convert more than 4,300 of them at all.
    if len(text.lstrip("-")) > len(str(MAX_SAFE_INTEGER)):
        raise _Refused("number out of range")
    number = int(text)
    if abs(number) > MAX_SAFE_INTEGER:
        raise _Refused("number out of range")
    return number


def _check_values(value: Any, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` and unstorable text, walking with a list, not recursion."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, str):
            if _UNSTORABLE.search(node):
                raise BodyError(400, "error-bad-request", "text with NUL or a lone surrogate")
        elif isinstance(node, dict | list):
            if depth > max_depth:
                raise BodyError(400, "error-bad-request", "nested too deep")
            children = [*node, *node.values()] if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
