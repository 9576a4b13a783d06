"""Activities to and from the Bot Framework's JSON, read off botbuilder's own models.

botbuilder reads and writes activities with msrest's serializer, which validates every
key against its models' types, the contents of a card included: in a Teams turn that was a
third of the time. The same models' attribute maps say which JSON key is which attribute
and of what type, so these few lines do the same work directly. ``tests/test_teams_wire.py``
checks both against msrest, on Teams' real activities and on the coach's own messages.

Reading stays strict where it matters: a field that should hold an object or a list and
does not, or a time that is not ISO 8601, is :class:`NotAnActivity`, as msrest's
``DeserializationError`` was. Keys a model does not name are kept in its
``additional_properties``, as msrest keeps them (a mention's ``mentioned``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import botbuilder.schema
from botbuilder.schema import Activity
from msrest.serialization import Model

M = TypeVar("M", bound=Model)

_MODELS: dict[str, type[Model]] = {
    name: found
    for name, found in vars(botbuilder.schema).items()
    if isinstance(found, type) and issubclass(found, Model)
}


class NotAnActivity(ValueError):
    """JSON that botbuilder's models cannot hold (a field of the wrong shape)."""


def read_activity(data: dict[str, Any]) -> Activity:
    return _model(Activity, data)


def _model(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise NotAnActivity(f"{model.__name__} is not an object")
    found = model()
    known: set[str] = set()
    for name, spec in model._attribute_map.items():
        key = spec["key"]
        known.add(key)
        value = data.get(key)
        if value is not None:
            setattr(found, name, _value(spec["type"], value, key))
    extra = {key: value for key, value in data.items() if key not in known}
    if extra:
        found.additional_properties = extra
    return found


def _value(kind: str, value: Any, key: str) -> Any:
    if kind == "object":
        return value
    if kind == "str":
        if isinstance(value, dict | list):
            raise NotAnActivity(f"{key} is not text")
        return value if isinstance(value, str) else str(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise NotAnActivity(f"{key} is not true or false")
        return value
    if kind == "iso-8601":
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise NotAnActivity(f"{key} is not a time") from None
    if kind.startswith("[") and kind.endswith("]"):
        if not isinstance(value, list):
            raise NotAnActivity(f"{key} is not a list")
        return [_value(kind[1:-1], item, key) for item in value]
    return _model(_MODELS[kind], value)


def wire(activity: Activity) -> dict[str, Any]:
    """The activity as the connector's JSON: the coach's messages are made by the coach,
    and the cards are JSON already."""
    return _plain(activity)


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        data: dict[str, Any] = {}
        for name, spec in type(value)._attribute_map.items():
            found = getattr(value, name, None)
            if found is None:
                continue
            if spec["key"] == "":  # additional_properties: the model's keys beyond its own
                data.update(found)
            else:
                data[spec["key"]] = _plain(found)
        return data
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
