"""The coach's words as Slack text: mrkdwn for blocks, plain lines for notifications.

Slack reads ``&``, ``<`` and ``>`` in any text it is sent as the start of links, user
mentions and ``<!channel>`` pings, so every word that reaches Slack passes through here
escaped (``&amp; &lt; &gt;``). Slack also caps each text object, so long text is split at
its paragraphs or lines rather than cut mid-sentence.
"""

from __future__ import annotations

from bot.richtext import Rich, escape_mrkdwn, render_mrkdwn, render_plain

COMMAND_PREFIX = "/outreach "
ELLIPSIS = "…"

# Where to split a long text, best first: between paragraphs, between lines, between words.
_BREAKS = ("\n\n", "\n", " ")
_LONGEST_ENTITY = len("&amp;")


def mrkdwn(rich: Rich) -> str:
    """Slack mrkdwn: ``*strong*``, ``_emphasis_``, lists with • or their own numbers, a blank
    line between paragraphs, and a command as ``/outreach <command>`` in backticks."""
    return render_mrkdwn(rich, COMMAND_PREFIX)


def plain(rich: Rich) -> str:
    """The words without markup (a notification's text), commands as typed in Slack, still
    escaped: Slack reads ``<`` in a notification's text as it does in a message."""
    return escape(render_plain(rich, COMMAND_PREFIX))


def escape(text: str) -> str:
    return escape_mrkdwn(text)


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, ending in "…" when it had to be shortened."""
    if len(text) <= limit:
        return text
    return _whole_entities(text, limit - len(ELLIPSIS)).rstrip() + ELLIPSIS


def chunks(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, split between paragraphs where it
    can, else between lines, else between words; a piece is never empty."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _break_before(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _break_before(text: str, limit: int) -> int:
    """Where to end a piece of ``text``: the last good break within ``limit`` that keeps the
    piece at least half full, else the limit itself (never inside an escaped ``&amp;``)."""
    for mark in _BREAKS:
        found = text.rfind(mark, limit // 2, limit)
        if found > 0:
            return found
    return len(_whole_entities(text, limit))


def _whole_entities(text: str, limit: int) -> str:
    """``text[:limit]``, shortened so it does not end inside an ``&amp;``, ``&lt;`` or ``&gt;``."""
    head = text[:limit]
    opened = head.rfind("&", max(0, limit - _LONGEST_ENTITY + 1))
    if opened >= 0 and ";" not in head[opened:]:
        return head[:opened]
    return head
