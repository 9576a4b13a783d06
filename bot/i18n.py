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

from bot.richtext import Mention, Rich, literal, mention, parse_markup

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
CACHED_VALUES = 200  # sentences whose values are this short are remembered; people's long answers are not kept


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
            # Typed, as 1 == True == 1.0 would otherwise share an entry.
            return _formatted(self.lang, key, tuple(sorted((name, type(v), v) for name, v in params.items())))
        except TypeError:  # a value that cannot key the cache (none of the coach's do)
            return _format(self.lang, key, params)


@lru_cache(maxsize=4096)
def _formatted(lang: str, key: str, params: tuple[tuple[str, type, Any], ...]) -> str:
    """Fluent's formatting, remembered: the same sentences (a step's progress, its buttons)
    come back turn after turn, and formatting a number through Babel costs more than the
    rest of a sentence."""
    return _format(lang, key, {name: value for name, _type, value in params})


def _format(lang: str, key: str, params: dict[str, Any]) -> str:
    bundle = _bundle(lang)
    message = bundle.get_message(key)
    if message.value is None:
        raise KeyError(f"message '{key}' has no value in {lang}")
    values = {name: _value(value) for name, value in params.items()}
    text, errors = bundle.format_pattern(message.value, values)
    if errors:
        raise ValueError(f"message '{key}' in {lang}: {errors}")
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
