"""The commands a team can give, registered by name with their aliases.

Handlers register themselves with :func:`command`; the coach looks them up here, so a
new command (a reminder's done/snooze/stop, say) is added without editing the coach.
Commands are English words with Danish aliases, so a team can type either.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.context import TurnContext
    from bot.replies import Reply

Handler = Callable[["TurnContext", str], Awaitable[list["Reply"]]]

# How a command looks when typed as a plain message instead of as a command. A message of
# that shape is probably meant as the command (the coach asks before saving it as an
# answer): a word alone ("status"), a word and a number ("skift 2"), or "start <guide>".
Shape = Literal["alone", "number", "guide"]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...]
    handler: Handler
    shape: Shape | None


_COMMANDS: dict[str, CommandSpec] = {}
_WORDS: dict[str, CommandSpec] = {}


def command(name: str, *aliases: str, shape: Shape | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        spec = CommandSpec(name, aliases, handler, shape)
        for word in (name, *aliases):
            if word in _WORDS:
                raise ValueError(f"command word '{word}' is registered twice")
            _WORDS[word] = spec
        _COMMANDS[name] = spec
        return handler

    return register


@dataclass(frozen=True)
class Parsed:
    spec: CommandSpec | None  # None: no such command
    word: str
    args: str


def parse_command(text: str) -> Parsed:
    """``"/outreach start kommer-forbi Fitness"`` -> the start command with ``"kommer-forbi Fitness"``."""
    text = text.strip()
    for prefix in ("/outreach", "/"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    word, _, args = text.partition(" ")
    if not word:
        return Parsed(_COMMANDS.get("help"), "help", "")
    return Parsed(_WORDS.get(word.lower()), word, args.strip())


_NUMBER = re.compile(r"#?(?:[0-9]{1,3}(?:[.,\u00a0 ][0-9]{3})+|[0-9]+)")


def command_or_words(text: str) -> tuple[str | None, str | None]:
    """What was written to the coach after ``/outreach`` or an @-mention: a command it
    knows, else words that answer the open question ("/outreach Unge mænd, der træner")."""
    if text.strip() and parse_command(text).spec is None:
        return None, text
    return text, None


def parse_number(text: str) -> int | None:
    """A project or answer number as people write it: ``2``, ``#12``, ``1.028``, ``1,028``.

    ASCII digits only: ``"²".isdigit()`` is true in Python, but no one numbers with it.
    """
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    return int(re.sub(r"[^0-9]", "", text))


def command_shaped(text: str, guide_ids: set[str]) -> bool:
    """True when a plain message reads as one of the commands (see :data:`Shape`)."""
    if not text.strip() or "\n" in text.strip():
        return False
    parsed = parse_command(text)
    if parsed.spec is None or parsed.spec.shape is None or text.strip().startswith("/"):
        return False
    first = parsed.args.split(" ", 1)[0]
    match parsed.spec.shape:
        case "alone":
            return not parsed.args
        case "number":
            return parse_number(first) is not None
        case "guide":
            return first.lower() in guide_ids
    return False
