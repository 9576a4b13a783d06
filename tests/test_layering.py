"""The direction of dependencies the design holds to, read from the code itself: ``flows``
is pure (no I/O, no channel, no storage), ``storage`` knows no channel and no coach, and
the Bot Framework SDK (botbuilder, at its end of life) is imported inside
``bot/channels/teams/`` alone, so a move to its successor touches that folder only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BOT_FRAMEWORK = ("botbuilder", "botframework", "msrest", "msal")


def imports(path: Path) -> set[str]:
    """The top-level packages and the modules a file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_bot_framework_is_imported_in_the_teams_channel_alone() -> None:
    teams = ROOT / "bot" / "channels" / "teams"
    outside = {
        str(path.relative_to(ROOT)): sorted(name for name in imports(path) if name.split(".")[0] in BOT_FRAMEWORK)
        for package in ("bot", "flows", "storage")
        for path in sources(package)
        if teams not in path.parents
    }
    assert {path: names for path, names in outside.items() if names} == {}
    assert any(name.startswith("botbuilder") for path in teams.glob("*.py") for name in imports(path))


@pytest.mark.parametrize(("package", "forbidden"), [("flows", ("bot", "storage")), ("storage", ("bot",))])
def test_dependencies_point_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(name for name in imports(path) if name.split(".")[0] in forbidden)
        for path in sources(package)
    }
    assert {path: names for path, names in wrong.items() if names} == {}
