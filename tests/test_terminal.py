"""The terminal chat, driven through its stdin through one full guide."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flows.loader import load_guides
from tests.guide_paths import covering_paths


def chat_in_terminal(data_dir: Path, lines: list[str], config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``outreach-coach chat`` as Mette, typing ``lines``, on a database in ``data_dir``
    (and with the config file ``config``, if given)."""
    env = {"OUTREACH_COACH_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    if config is not None:
        env["OUTREACH_COACH_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "Mette"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_full_guide_in_the_terminal(tmp_path: Path) -> None:
    guide = load_guides()["klubfaellesskaber"]
    path = max(covering_paths(guide), key=lambda p: len(p.moves))
    lines = ["/start klubfaellesskaber Debatklubben"]
    for step_id, value in path.moves:
        step = guide.step(step_id)
        if isinstance(value, bool):
            lines.append("ja" if value else "nej")
        elif step.kind == "list":
            lines += [*value, ""]
        elif step.kind == "date":
            lines.append("10.12.2026")
        elif isinstance(value, list):
            lines.append(",".join(str([o.id for o in step.options].index(v) + 1) for v in value))
        elif step.kind == "single_choice":
            lines.append(str([o.id for o in step.options].index(value) + 1))
        else:
            lines.append(str(value))
    lines += ["/answers", "/export", "/quit"]
    result = chat_in_terminal(tmp_path, lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Projektet Debatklubben (#1) er startet" in out
    assert "afsluttet. Godt arbejde" in out
    assert "Logbog: Debatklubben" in out and "Mette" in out
    assert "Farvel! Jeres svar er gemt." in out
    assert "Traceback" not in result.stderr


def test_the_cli_exports_a_logbook_and_names_a_missing_project(tmp_path: Path) -> None:
    env = {"OUTREACH_COACH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    chat = [sys.executable, "-m", "bot.cli", "chat", "--user", "Ali"]
    subprocess.run(
        chat,
        input="/start kommer-forbi Besøg\nja\nUnge mænd\n/quit\n",
        text=True,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot.cli", "export", *args, "--platform", "terminal"]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    markdown = export("1")
    assert markdown.returncode == 0 and "# Logbog: Besøg" in markdown.stdout and "Unge mænd" in markdown.stdout
    csv = export("1", "--format", "csv", "--lang", "en")
    assert csv.stdout.splitlines()[0] == "\ufeffTime;Type;Who;Step;Question;Action;Content;Previous answer;Owner;Due"
    assert any("Ali" in line and "Unge mænd" in line for line in csv.stdout.splitlines())
    missing = export("2")
    assert missing.returncode == 1 and "no project 2 in workspace terminal/local" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_debrief_opens_a_thread_in_the_terminal_that_collects_notes_until_done(tmp_path: Path) -> None:
    from tests.team_walks import VISIT

    lines = ["/start kommer-forbi Fitness Nord", *VISIT[:10], *VISIT[10].split("\n"), "", *VISIT[11:14]]
    lines += [*VISIT[14].split("\n"), "", *VISIT[15:], "ja"]  # ... and yes, we have been on the visit
    lines += ["De unge vil have lektiehjælp om aftenen", "Centerlederen vil gerne have en stand", "/done", "/quit"]
    result = chat_in_terminal(tmp_path, lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Tid til debriefing") == 2  # the chat says a thread is coming; the thread itself
    assert "Tråden er åben" in out
    assert out.count("Gemt i logbogen") == 2
    summary = out[out.index("Debriefing for Fitness Nord") :]
    assert "Mette: De unge vil have lektiehjælp om aftenen" in summary
    assert "Mette: Centerlederen vil gerne have en stand" in summary
