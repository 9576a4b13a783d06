"""Why an answer was refused, in its own module so every reader of answers can share it.

``flows.answers`` reads answers using ``flows.dates``, and both refuse with :class:`Invalid`;
keeping it here spares them an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Invalid:
    """Why an answer was refused: a message key and its parameters, for the caller to word."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
