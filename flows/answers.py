"""Turn what a person typed or clicked into the value a step stores, or say why not.

Buttons send option ids; people type "2", "ja", "24.12.2026" or a label. Both land here,
so every channel accepts the same answers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flows.dates import DATE_EXAMPLE, DateReading, read_date
from flows.invalid import Invalid  # callers import it from here, with parse_answer
from flows.model import PromptKind, Step

MAX_TEXT = 4000

YES = {"ja", "j", "yes", "y", "true", "ok", "jep", "done", "færdig", "gjort"}
NO = {"nej", "n", "no", "false", "ikke endnu", "not yet"}
ALL = {"alle", "all"}
NONE = {"ingen", "none"}
# Only 0-9: Python's isdigit() also accepts "²", which int() then refuses.
_ASCII_NUMBER = re.compile(r"[0-9]+")


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
            return _confirm(raw)
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


def _confirm(raw: Any) -> bool | Invalid:
    if isinstance(raw, bool):
        return raw
    word = str(raw).lower().rstrip("!.")
    if word in YES:
        return True
    if word in NO:
        return False
    return Invalid("not-yes-no")


def _option_id(step: Step, token: str) -> str | None:
    token = token.strip()
    if _ASCII_NUMBER.fullmatch(token) and 1 <= int(token) <= len(step.options):
        return step.options[int(token) - 1].id
    lowered = token.lower()
    for option in step.options:
        if lowered in (option.id, option.label.da.lower(), option.label.en.lower()):
            return option.id
    return None


def _single(step: Step, raw: Any) -> str | Invalid:
    chosen = _option_id(step, str(raw))
    return chosen if chosen else Invalid("unknown-option", {"count": len(step.options)})


def _multi(step: Step, raw: Any) -> list[str] | Invalid:
    if isinstance(raw, str):
        word = raw.lower()
        if word in ALL:
            return [o.id for o in step.options]
        if word in NONE and step.kind is PromptKind.CHECKLIST:
            return []
        tokens = [t for t in re.split(r"[,;\n]+|\s+og\s+|\s+and\s+", raw) if t.strip()]
        if all(_ASCII_NUMBER.fullmatch(n) for t in tokens for n in t.split()):
            tokens = [n for t in tokens for n in t.split()]
    elif isinstance(raw, list):
        tokens = [str(t) for t in raw]
    else:
        tokens = [str(raw)]
    chosen: list[str] = []
    for token in tokens:
        option = _option_id(step, token)
        if option is None:
            return Invalid("unknown-option", {"count": len(step.options)})
        if option not in chosen:
            chosen.append(option)
    # Keep the guide's order so exports and summaries read the same way every time.
    return [o.id for o in step.options if o.id in chosen]


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


def _items(step: Step, raw: Any) -> list[str] | Invalid:
    if isinstance(raw, str):
        lines = raw.splitlines()
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        lines = [line for item in raw for line in item.splitlines()]
    else:
        return Invalid("not-text")
    items = [re.sub(r"^\s*(?:[-*•]|[0-9]+[.)])\s*", "", line).strip() for line in lines]
    items = [item for item in items if item]
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
