"""Parse ``/outreach ...`` command text into a command name and its arguments.

Commands are English words with Danish aliases, so a team can type either.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIASES: dict[str, str] = {
    "help": "help",
    "hjælp": "help",
    "hjaelp": "help",
    "guides": "guides",
    "guider": "guides",
    "start": "start",
    "status": "status",
    "answers": "answers",
    "svar": "answers",
    "back": "back",
    "tilbage": "back",
    "skip": "skip",
    "spring": "skip",
    "edit": "edit",
    "ret": "edit",
    "projects": "projects",
    "projekter": "projects",
    "switch": "switch",
    "skift": "switch",
    "rename": "rename",
    "omdøb": "rename",
    "export": "export",
    "eksport": "export",
    "delete": "delete",
    "slet": "delete",
    "finish": "finish",
    "afslut": "finish",
}


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""


def parse_command(text: str) -> Command:
    """``"/outreach start kommer-forbi Fitness"`` -> ``Command("start", "kommer-forbi Fitness")``."""
    text = text.strip()
    for prefix in ("/outreach", "/"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    word, _, args = text.partition(" ")
    if not word:
        return Command("help")
    name = ALIASES.get(word.lower())
    return Command(name, args.strip()) if name else Command("unknown", word)
