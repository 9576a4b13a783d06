"""What stands between the open web and the browser channel's API.

``read_json`` parses a request body into values that the rest of the coach and both databases can
hold, turning every bad body into a 4xx instead of a 500. ``request.json()`` takes any content type
and any charset the client names (an unknown one is a LookupError), recurses into any nesting (a
RecursionError) and lets NaN and Infinity through, which PostgreSQL's JSON refuses later.

Message keys carried by :class:`BodyError`: ``error-content-type`` (415), ``error-charset`` (415),
``error-too-large`` (413), ``error-bad-request`` (400, with a short English ``detail``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from aiohttp import hdrs, web

JSON_MEDIA_TYPE = "application/json"
UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
# The largest integers that JavaScript (the page) and PostgreSQL's bigint both hold exactly (RFC 7493).
MAX_SAFE_INTEGER = 2**53 - 1

# Characters PostgreSQL's text cannot store (NUL) or that are not Unicode text at all (lone surrogates).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _content_type(request: web.Request) -> tuple[str, list[str]]:
    """The lowercased media type and every ``charset`` parameter given, parsed without the stdlib.

    aiohttp's ``request.content_type`` and ``request.charset`` go through the email package's header
    parser, which raises IndexError on headers such as ``application/json;0*``: a 500. This reads
    only what the body reader needs, and anything but exactly ``application/json`` is simply not JSON.
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
