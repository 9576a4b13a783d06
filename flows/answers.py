"""Turn what a person typed or clicked into the value a step stores, or say why not.

Buttons send option ids; people type "2", "ja tak", "24.12.2026", "3.C" or a few words of
an option. Both land here, so every channel accepts the same answers. What is read:

- Yes/no: the numbers a channel shows ("1. Ja / 2. Nej", or "1. Gjort / 2. Ikke endnu" on
  a waiting step: 1 is yes or done, 2 is no or not yet), and a reply that *starts* with a
  yes or a no ("ja tak", "ja, det gør vi", "nej, ikke endnu"). "Ikke endnu" is never read
  as "nej": on a waiting step it is False, which the engine reads as "not yet" and keeps
  waiting; a plain yes/no question has nothing to wait for, so there it is refused with
  the way on ("svar nej for nu, og ret det senere"). A yes followed by a negation ("ja,
  men ikke endnu") is refused rather than guessed.
- Choices: the number shown, an option's id or short code ("3.C", "C" for a label that
  starts "3.C" or "C:"), its label, or an unambiguous run of its words ("god bekendt",
  "plakater"); the last word may be the start of a longer one ("facebook" for
  "Facebookgruppe"). Case never matters; Danish letters written as "ae", "oe", "aa" and
  other accents are forgiven only when nothing matches as typed. Several choices may be
  separated by commas, semicolons, "og"/"and", or (numbers) spaces; repeats are ignored.
  An answer that fits several options is refused with the candidates, not guessed.
- Lists: one item per line; an answer of a single line is split at its semicolons, else
  at its commas, with "og"/"and" before the last item ("A, B og C"). Within an answer of
  several lines, each line stays one item whatever it holds.

Edge punctuation and emoji around a yes/no or a choice ("Ja!", "👍 2.") do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from flows.dates import DATE_EXAMPLE, DateReading, read_date
from flows.invalid import Invalid  # callers import it from here, with parse_answer
from flows.model import Option, PromptKind, Step, Text

MAX_TEXT = 4000

ALL = {"alle", "all"}
NONE = {"ingen", "none"}
# Only 0-9: Python's isdigit() also accepts "²", which int() then refuses.
_ASCII_NUMBER = re.compile(r"[0-9]+")
# Punctuation, symbols and emoji around an answer: "Ja!", "👍 2.", "(nej)".
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"\w+")
# "og"/"and" joining the last two of several things: "1, 3 og 5", "plakater og podcast".
_AND = re.compile(r"\s+(?:og|and|&)\s+", re.IGNORECASE)
# A label's short code: "3.A Hjælp til selvhjælp" (3.A, A) or "C: Strukturelt" (C). A lone
# letter needs its colon, dot or bracket, so "A proposal to meet" has no code.
_NUMBERED_CODE = re.compile(r"^(\d+\.([A-Za-z]))(?=$|[\s:.)])")
_LETTER_CODE = re.compile(r"^([A-Za-z])[:.)](?=\s)")
# A list item's own bullet or number: "- a", "• b", "2. c", "3) d".
_BULLET = re.compile(r"^\s*(?:[-*•]|[0-9]+[.)])\s*")
# A comma between items, not the decimal comma of "1,5 time".
_ITEM_COMMA = re.compile(r"(?<![0-9]),|,(?![0-9])")
# A word typed to stand for a longer one must be at least this long ("plak" for "Plakater").
_MIN_PREFIX = 4


def _fold(text: str) -> str:
    """``text`` without case and accents, Danish letters written as on a foreign keyboard."""
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


YES = {_fold(w) for w in ("ja", "jo", "jep", "j", "yes", "y", "yep", "yeah", "ok", "okay", "true")}
YES |= {_fold(w) for w in ("gjort", "færdig", "done")}
NO = {_fold(w) for w in ("nej", "n", "no", "nope", "false")}
NOT_YET = [[_fold(w) for w in phrase.split()] for phrase in ("ikke endnu", "endnu ikke", "not yet")]
# A yes that goes on with one of these takes itself back: "ja, men ikke endnu".
NEGATIONS = {_fold(w) for w in ("ikke", "nej", "not", "no", "never", "aldrig")}


Pick = Literal["one", "several"]
"""How many options the step takes, so a refusal can say "the number" or "the numbers"."""


class Candidate(NamedTuple):
    """An option an ambiguous answer could mean: its number as shown, and its label."""

    number: int
    label: Text


def parse_answer(step: Step, raw: Any, today: date) -> Any | Invalid:
    """The stored value for ``raw`` on ``step``, or :class:`Invalid`.

    ``today`` fills in a missing year ("24. december"), keeping this function pure.
    """
    if isinstance(raw, str):
        raw = raw.strip()
        if len(raw) > MAX_TEXT:
            return Invalid("too-long", {"limit": MAX_TEXT, "length": len(raw)})
    if raw == [] and step.kind is PromptKind.CHECKLIST:
        return []  # nothing ticked yet is a real answer to a checklist
    if raw in ("", None, []):
        return Invalid("empty")
    match step.kind:
        case PromptKind.TEXT:
            return raw if isinstance(raw, str) else Invalid("not-text")
        case PromptKind.CONFIRM:
            return _confirm(step, raw)
        case PromptKind.SINGLE_CHOICE:
            return _single(step, raw)
        case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
            return _multi(step, raw)
        case PromptKind.DATE if step.many:
            return _dates(raw, today)
        case PromptKind.DATE:
            return _date(raw, today)
        case PromptKind.LIST:
            return _items(step, raw)
    raise AssertionError(f"unhandled prompt kind {step.kind}")


def _bare(text: str) -> str:
    """``text`` without the punctuation and emoji around it, spaces made single."""
    return " ".join(_EDGES.sub("", text.strip()).split())


# --- yes and no -------------------------------------------------------------------------


def _confirm(step: Step, raw: Any) -> bool | Invalid:
    if isinstance(raw, bool):
        return raw
    if step.wait is None and _not_yet(str(raw)):
        return Invalid("not-yet-is-no-answer")
    reading = _yes_or_no(str(raw))
    if reading is not None:
        return reading
    return Invalid("not-done-or-not-yet" if step.wait is not None else "not-yes-no")


def _not_yet(text: str) -> bool:
    """Whether a reply starts with "ikke endnu" (or "endnu ikke", "not yet")."""
    words = [_fold(w) for w in _WORD.findall(_bare(text))]
    return any(words[: len(phrase)] == phrase for phrase in NOT_YET)


def _yes_or_no(text: str) -> bool | None:
    """True or False for a reply that starts with a yes or a no (or, on a waiting step, a
    "not yet"), else None (not understood)."""
    bare = _bare(text)
    if bare in ("1", "2"):  # the numbers shown: 1. Ja / 2. Nej, 1. Gjort / 2. Ikke endnu
        return bare == "1"
    words = [_fold(w) for w in _WORD.findall(bare)]
    if not words:
        return None
    if words[0] in NO or _not_yet(bare):
        return False
    if words[0] in YES and not NEGATIONS.intersection(words[1:]):
        return True
    return None


# --- choices ----------------------------------------------------------------------------


def _single(step: Step, raw: Any) -> str | Invalid:
    return _option_id(step, str(raw), "one")


def _multi(step: Step, raw: Any) -> list[str] | Invalid:
    if isinstance(raw, list):  # buttons and checkboxes send option ids, one per choice
        parts = [str(t) for t in raw]
    elif isinstance(raw, str):
        word = _bare(raw).casefold()
        if word in ALL:
            return [o.id for o in step.options]
        if word in NONE and step.kind is PromptKind.CHECKLIST:
            return []
        parts = [p for p in re.split(r"[,;\n]+", raw) if _bare(p)]
    else:
        parts = [str(raw)]
    chosen: list[str] = []
    for part in parts:
        found = _options_in(step, part)
        if isinstance(found, Invalid):
            return found
        chosen += found
    # Keep the guide's order, each once, so exports and summaries read the same way every time.
    return [o.id for o in step.options if o.id in chosen]


def _options_in(step: Step, part: str) -> list[str] | Invalid:
    """The options one comma-separated part names: "3", "1 3 5", "plakater", "plakater og podcast"."""
    words = _bare(part).split()
    if len(words) > 1 and all(_ASCII_NUMBER.fullmatch(w) for w in words):
        pieces = words
    else:
        whole = _option_id(step, part, "several")
        pieces = _AND.split(part)
        # "Dialog og videndeling" is one label; "plakater og podcast" and "1 3 og 5" name several.
        if isinstance(whole, str) or len(pieces) == 1:
            return [whole] if isinstance(whole, str) else whole
    found: list[str] = []
    for piece in pieces:
        named = _options_in(step, piece)
        if isinstance(named, Invalid):
            return named
        found += named
    return found


def _option_id(step: Step, typed: str, pick: Pick) -> str | Invalid:
    """The option ``typed`` names, or why none does; ``pick`` ("one", "several") words the refusal.

    The readings are tried from the most literal to the loosest, and the first that finds
    anything decides: a label typed in full is never taken as ambiguous because its words
    also appear in another.
    """
    token = _bare(typed)
    unknown = Invalid("unknown-option", {"answer": token or typed.strip(), "count": len(step.options), "pick": pick})
    if _ASCII_NUMBER.fullmatch(token):
        number = int(token)
        return step.options[number - 1].id if 1 <= number <= len(step.options) else unknown
    for reads in (_is_named, _is_named_folded, _has_words, _has_words_folded):
        matches = [o for o in step.options if reads(o, token)]
        if len(matches) == 1:
            return matches[0].id
        if matches:
            candidates = tuple(Candidate(step.options.index(o) + 1, o.label) for o in matches)
            return Invalid("ambiguous-option", {"answer": token, "candidates": candidates, "pick": pick})
    return unknown


def _labels(option: Option) -> tuple[str, str]:
    return option.label.da, option.label.en


def _names(option: Option) -> set[str]:
    """What an option is called outright: its id, its labels and their short codes."""
    names = {option.id}
    for label in _labels(option):
        names.add(label)
        if numbered := _NUMBERED_CODE.match(label):
            names |= {numbered.group(1), numbered.group(2)}
        elif letter := _LETTER_CODE.match(label):
            names.add(letter.group(1))
    return {name.casefold() for name in names}


def _is_named(option: Option, token: str) -> bool:
    return token.casefold() in _names(option)


def _is_named_folded(option: Option, token: str) -> bool:
    return _fold(token) in {_fold(name) for name in _names(option)}


def _has_words(option: Option, token: str, fold: Callable[[str], str] = str.casefold) -> bool:
    """Whether ``token``'s words run together in a label; the last may start a longer word."""
    typed = [fold(w) for w in _WORD.findall(token)]
    if not typed or len("".join(typed)) < 2:
        return False
    *whole, last = typed
    for label in _labels(option):
        words = [fold(w) for w in _WORD.findall(label)]
        for at in range(len(words) - len(typed) + 1):
            if words[at : at + len(whole)] != whole:
                continue
            word = words[at + len(whole)]
            if word == last or (len(last) >= _MIN_PREFIX and word.startswith(last)):
                return True
    return False


def _has_words_folded(option: Option, token: str) -> bool:
    return _has_words(option, token, _fold)


# --- dates ------------------------------------------------------------------------------


def _date(raw: Any, today: date) -> str | Invalid:
    """A date step's value: "2026-12-15", or "2026-12-15T14:00" when a time was given.

    A day before ``today`` is more often a slip than a plan, so it is refused as
    ``past-date`` carrying the value; a channel that has asked sends it back as
    ``{"date": value, "confirm_past": True}``. A ``date`` from code is taken as it is.
    """
    if isinstance(raw, datetime):
        return DateReading(raw.date(), raw.time().replace(second=0, microsecond=0)).value
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, dict):
        return _confirmed_past(raw)
    if not isinstance(raw, str):
        return Invalid("bad-date", {"example": DATE_EXAMPLE})
    reading = read_date(raw, today)
    if isinstance(reading, Invalid):
        return reading
    if reading.day < today:
        return Invalid("past-date", {"date": reading.value, "on": reading.day})
    return reading.value


def _confirmed_past(raw: dict[Any, Any]) -> str | Invalid:
    value = raw.get("date")
    if raw.get("confirm_past") is True and isinstance(value, str):
        try:
            return DateReading.from_value(value).value
        except ValueError:
            pass
    return Invalid("bad-date", {"example": DATE_EXAMPLE})


# --- lists ------------------------------------------------------------------------------


def _items(step: Step, raw: Any) -> list[str] | Invalid:
    if isinstance(raw, str):
        lines = raw.splitlines()
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        lines = [line for item in raw for line in item.splitlines()]
    else:
        return Invalid("not-text")
    lines = [_unbulleted(line) for line in lines]
    lines = [line for line in lines if line]
    items = _split_line(lines[0]) if len(lines) == 1 else lines
    if not items:
        return Invalid("empty")
    # Items sent one by one (a form, a Slack modal) are held to the same limit as typed text.
    length = len("\n".join(items))
    if length > MAX_TEXT:
        return Invalid("too-long", {"limit": MAX_TEXT, "length": length})
    if step.min_items and len(items) < step.min_items:
        return Invalid("too-few-items", {"min": step.min_items, "count": len(items)})
    if step.max_items and len(items) > step.max_items:
        return Invalid("too-many-items", {"max": step.max_items, "count": len(items)})
    return items


_DATE_SEPARATORS = re.compile(r"[\n;]+|,\s*|\s+og\s+|\s+and\s+", re.IGNORECASE)


def _dates(raw: Any, today: date) -> list[str] | Invalid:
    """A ``many`` date step's value: the dates in order, each as :func:`_date` stores it.

    Typed one per line or "15. januar, 12. februar og 10. marts". A line that reads as one
    date with a comma in it ("fredag, 15. januar") is one date. Dates already past are kept
    without asking: the list records the events held as well as the ones to come.
    """
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        pieces = [piece for item in raw for piece in _date_pieces(item, today)]
    elif isinstance(raw, str):
        pieces = _date_pieces(raw, today)
    else:
        return Invalid("bad-date", {"example": DATE_EXAMPLE})
    values: list[str] = []
    for piece in pieces:
        reading = read_date(piece, today)
        if isinstance(reading, Invalid):
            return reading
        if reading.value not in values:
            values.append(reading.value)
    return sorted(values) if values else Invalid("empty")


def _date_pieces(text: str, today: date) -> list[str]:
    """The date phrases in ``text``: each line whole if it reads as one date, else split."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if isinstance(read_date(line, today), DateReading):
            pieces.append(line)
        else:
            pieces += [p.strip() for p in _DATE_SEPARATORS.split(line) if p.strip()]
    return pieces


def _unbulleted(line: str) -> str:
    return _BULLET.sub("", line).strip()


def _split_line(line: str) -> list[str]:
    """The items of a list written on one line: "A; B", "A, B og C", or just "A og B" as one item.

    Semicolons, where there are any, are the separators (commas then stay inside items);
    "og"/"and" separates only the last item of a comma-separated line, as Danish and
    English write an enumeration, so "Kaffe og kage" alone stays one item.
    """
    if ";" in line:
        parts = line.split(";")
    else:
        parts = _ITEM_COMMA.split(line)
        if len(parts) > 1:
            parts[-1:] = _last_and(parts[-1])
    return [item for item in (_unbulleted(part) for part in parts) if item]


def _last_and(part: str) -> list[str]:
    """The last part of a comma-separated line split at its last "og"/"and": " B og C" → [" B", " C"]."""
    found = list(_AND.finditer(part))
    if not found:
        return [part]
    last = found[-1]
    return [part[: last.start()], part[last.end() :]]
