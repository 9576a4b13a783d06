"""What the coach says is structure, and each channel words it its own way."""

from __future__ import annotations

from datetime import date

import pytest

from bot.channels.terminal.render import COMMAND_PREFIX as TERMINAL_PREFIX
from bot.channels.web.render import render as render_web
from bot.i18n import Messages, message_keys
from bot.replies import TextReply
from bot.richtext import ItemList, Mention, Paragraph, Span, parse_markup, render_mrkdwn, render_plain

SLACK_PREFIX = "/outreach "


def test_markup_gives_paragraphs_lists_emphasis_and_commands() -> None:
    rich = Messages("da")("help")
    [intro, commands] = rich.blocks
    assert isinstance(intro, Paragraph) and Span("Outreach Coach", "strong") in intro.lines[0]
    assert isinstance(commands, ItemList) and len(commands.items) == 12
    assert Mention("start <guide> [navn]") in commands.items[1]


def test_words_from_people_are_never_read_as_markup() -> None:
    hostile = "**fed** _kursiv_ - liste \ue000start\ue001 <b>x</b>"
    rich = Messages("da")("renamed", old="gammel", project=hostile)
    spans = [part for block in rich.blocks for line in block.lines for part in line]  # type: ignore[union-attr]
    assert Span(hostile.replace("\ue000", "").replace("\ue001", ""), "strong") in spans
    assert not any(isinstance(part, Mention) for part in spans)


def test_a_command_is_mentioned_the_way_each_channel_accepts_it() -> None:
    rich = Messages("da")("no-project")
    assert render_plain(rich, TERMINAL_PREFIX).endswith("Start et med /start <guide>.")
    assert "`/outreach start &lt;guide&gt;`" in render_mrkdwn(rich, SLACK_PREFIX)  # Slack reads < as a link
    [web] = render_web([TextReply(rich)], {})
    parts = web["text"]["blocks"][0]["lines"][0]
    assert {"kind": "command", "text": "/start <guide>"} in parts


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_browser_never_tells_anyone_to_type_outreach(lang: str) -> None:
    t = Messages(lang)
    for key in sorted(message_keys(lang)):
        params = {name: "x" for name in ("project", "old", "guide", "command", "question", "reason", "step")}
        params |= {"number": "1", "limit": 1, "length": 2, "min": 1, "max": 1, "count": 1, "example": "e"}
        params |= {"when": "w", "message": "m", "current": "c", "status": "s", "by": "b", "answer": "a"}
        params |= {"owner": "o", "started": "s", "line": "l", "about": "a", "task": "t"}
        params |= {"author": "a", "day": "d", "time": "t", "since": "s", "what": "w"}  # the logbook's words
        params |= {"new": "n", "section": "s", "questions": 2, "dates": "d"}
        params |= {"label": "l", "candidates": "c", "shown": "buttons", "pick": "one"}  # refused answers
        params |= {"date": "d", "on": date(2026, 12, 24), "day": 24, "month": 12, "days": 31, "weekday": 4, "typed": 1}
        params |= {"summary": "s", "duration": "d", "text": "t", "relations": "r", "steps": "s", "first": "f"}
        params |= {"every": "e", "timing": "t", "value": "v", "source": "s", "version": 1, "sections": 1, "kind": "k"}
        params |= {"yes": "y", "no": "n", "not_yet": "n", "condition": "c"}  # the guide's words (guide-words.ftl)
        text = str(render_web([TextReply(t(key, **params))], {}))
        assert "/outreach" not in text, key
        assert "`" not in text and "*" not in text, f"{key} carries Slack or Markdown marks: {text}"


def test_slack_gets_its_own_marks_and_escapes_what_people_typed() -> None:
    rich = Messages("da")("renamed", old="<!channel>", project="A & B")
    assert render_mrkdwn(rich, SLACK_PREFIX) == "Projektet “&lt;!channel&gt;” hedder nu *A &amp; B*."


def test_lists_are_numbered_or_bulleted_per_channel() -> None:
    rich = parse_markup("Overskrift\n- første\n- anden\n\nEfter listen")
    assert render_plain(rich, "/") == "Overskrift\n• første\n• anden\nEfter listen"
    assert render_mrkdwn(rich, SLACK_PREFIX) == "Overskrift\n\n• første\n• anden\n\nEfter listen"
