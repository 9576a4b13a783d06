"""The coach's own words, in Fluent files (``bot/locales/<lang>/*.ftl``), Danish by default.

Each area of the coach keeps its words in its own file (``coach.ftl``, ``dates.ftl`` ...);
the files of one language form one bundle, and a key defined twice is an error.

Fluent handles plurals and variables per language, so sentences stay whole in the data
files instead of being glued together in code. The files are written in the markup of
:func:`bot.richtext.parse_markup`; ``{ CMD("start <guide>") }`` mentions a command, which
each channel shows in its own form. Every string value passed in is literal text; a
:class:`Keyword` is a word a message selects on (``{ $shown -> [numbers] ... }``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser
from fluent.syntax.ast import Junk, Message

from bot.richtext import LITERAL_CLOSE, LITERAL_OPEN, Mention, Rich, literal, mention, parse_markup

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
CACHED_VALUES = 200  # sentences whose values are this short are remembered; people's long answers are not kept
LONGEST_FLUENT_VALUE = 2000  # Fluent's own limit is 2,500 characters per value


def language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Keyword:
    """A word a message selects a variant by, never shown as it is: literal text, which every
    other string becomes, would match no variant."""

    word: str


class Messages:
    def __init__(self, lang: str | None) -> None:
        self.lang = language(lang)

    def __call__(self, key: str, **params: Any) -> Rich:
        return parse_markup(self._format(key, params))

    def text(self, key: str, **params: Any) -> str:
        """A short string without markup (a button label, a column heading)."""
        return self(key, **params).plain()

    def _format(self, key: str, params: dict[str, Any]) -> str:
        if sum(len(value) for value in params.values() if isinstance(value, str)) > CACHED_VALUES:
            return _format(self.lang, key, params)
        try:
            return _formatted(self.lang, key, tuple(sorted(params.items())))
        except TypeError:  # a value that cannot key the cache (none of the coach's do)
            return _format(self.lang, key, params)


@lru_cache(maxsize=4096)
def _formatted(lang: str, key: str, params: tuple[tuple[str, Any], ...]) -> str:
    """Fluent's formatting, remembered: the same sentences (a step's progress, its buttons)
    come back turn after turn, and formatting a number through Babel costs more than the
    rest of a sentence."""
    return _format(lang, key, dict(params))


def _format(lang: str, key: str, params: dict[str, Any]) -> str:
    """Fluent refuses a value longer than 2,500 characters, and a team's answer quoted
    back may be longer: Fluent gets a short stand-in for it, replaced after formatting."""
    bundle = _bundle(lang)
    message = bundle.get_message(key)
    if message.value is None:
        raise KeyError(f"message '{key}' has no value in {lang}")
    values, stand_ins = {}, {}
    for name, value in params.items():
        values[name] = _value(value)
        if isinstance(values[name], str) and len(values[name]) > LONGEST_FLUENT_VALUE:
            # Never in people's text: literal() strips the sentinels from it.
            stand_in = f"{LITERAL_OPEN}{LITERAL_OPEN}{name}{LITERAL_CLOSE}{LITERAL_CLOSE}"
            stand_ins[stand_in], values[name] = values[name], stand_in
    text, errors = bundle.format_pattern(message.value, values)
    if errors:
        raise ValueError(f"message '{key}' in {lang}: {errors}")
    for stand_in, value in stand_ins.items():
        text = text.replace(stand_in, value)
    return text


def _value(value: Any) -> Any:
    if isinstance(value, Keyword):
        return value.word
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, Mention):
        return mention(value.command)
    return value


def _command(command: Any) -> str:
    return mention(str(command))


def _sources(lang: str) -> list[tuple[Path, str]]:
    return [(path, path.read_text(encoding="utf-8")) for path in sorted((LOCALES / lang).glob("*.ftl"))]


@cache
def _bundle(lang: str) -> FluentBundle:
    bundle = FluentBundle([lang], use_isolating=False, functions={"CMD": _command})
    seen: dict[str, Path] = {}
    for path, source in _sources(lang):
        body = FluentParser().parse(source).body
        junk = [entry for entry in body if isinstance(entry, Junk)]
        if junk:  # Fluent skips unparsable entries silently; we would rather know.
            raise ValueError(f"{path.name} ({lang}) does not parse near: {junk[0].content[:60]!r}")
        for entry in body:
            if isinstance(entry, Message):
                if entry.id.name in seen:
                    raise ValueError(f"message '{entry.id.name}' is in both {seen[entry.id.name].name} and {path.name}")
                seen[entry.id.name] = path
        bundle.add_resource(FluentResource(source))
    return bundle


def message_keys(lang: str) -> set[str]:
    """Every message id in one language's files (for the completeness test)."""
    return {
        entry.id.name
        for _path, source in _sources(lang)
        for entry in FluentParser().parse(source).body
        if isinstance(entry, Message)
    }
