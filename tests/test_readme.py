"""The README's diagrams are the guides as they are, and its commands are the CI's."""

from __future__ import annotations

import re
from pathlib import Path

from flows.diagram import mermaid
from flows.model import Guide

ROOT = Path(__file__).parents[1]


def test_the_readme_draws_every_guide_as_it_is(guides: dict[str, Guide]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in guides.values():
        drawn = re.search(rf"<!-- diagram:{guide.id} -->\n```mermaid\n(.*?)```", readme, re.S)
        assert drawn, f"README has no diagram for {guide.id}"
        assert drawn.group(1) == mermaid(guide), f"README diagram of {guide.id} is stale: regenerate it"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme)
    assert len(commands) >= 2 and "outreach-coach serve" in commands[0]
    test_command = commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    normalised = test_command.replace("pip install -e", "pip install -q -e").replace("pytest", "pytest -q")
    assert normalised in ci
