"""Several projects in one channel: list, switch, rename; and answers that are refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.replies import QuestionReply
from tests.conftest import Clock, Team, asked, said


async def test_projects_in_one_channel_keep_their_own_answers(team: Team, clock: Clock) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    clock.now += timedelta(minutes=5)
    await team.command("start vejviseren Landsbyen")
    listing = said(await team.command("projects"))
    assert "• #2 Landsbyen (Vejviseren: Fællesskaber i små lokalsamfund, i gang) ← aktuelt" in listing
    assert "• #1 Fitness Nord (Biblioteket kommer forbi, i gang)\n" in listing
    clock.now += timedelta(minutes=5)
    replies = await team.command("switch fitness nord")
    assert "Skiftet til projektet Fitness Nord" in said(replies)
    assert asked(replies) == "target_group"
    assert "hedder nu Fitness Syd" in said(await team.command("rename  Fitness   Syd "))
    assert "#1 Fitness Syd (Biblioteket kommer forbi, i gang) ← aktuelt" in said(await team.command("projects"))
    clock.now += timedelta(minutes=5)
    replies = await team.command("switch 2")
    assert asked(replies) == "town"


async def test_rename_needs_a_name_and_names_are_bounded(team: Team) -> None:
    await team.command("start kommer-forbi A")
    assert "Skriv det nye navn" in said(await team.command("rename"))
    assert "højst 200 tegn" in said(await team.command("rename " + "x" * 201))
    assert "hedder nu B" in said(await team.command("rename B"))


async def test_an_empty_answer_to_a_required_question_is_asked_again(team: Team) -> None:
    await team.command("start kommer-forbi A")
    await team.say("ja")
    replies = await team.say("   ")
    assert "Svaret er tomt" in said(replies) and asked(replies) == "target_group"


async def test_a_date_that_does_not_parse_gets_an_example(team: Team) -> None:
    await team.command("start kommer-forbi A")
    for answer in ("ja", "Unge", "ja", "Fitness", "Jens", "1", "ja"):
        replies = await team.say(answer)
    assert asked(replies) == "meeting_date"
    replies = await team.say("på tirsdag engang")
    assert "fx sådan: 24.12.2026" in said(replies) and asked(replies) == "meeting_date"


async def test_english_speakers_get_english(team: Team) -> None:
    team.lang = "en"
    replies = await team.command("start kommer-forbi A")
    assert "has started with the guide" in said(replies)
    question = [r for r in replies if isinstance(r, QuestionReply)][-1]
    assert question.choices[0].label == "Yes" and question.text.startswith(("Do", "Have", "Is", "Are"))


def test_db_upgrade_command_migrates_an_empty_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"OUTREACH_COACH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and "newest schema" in result.stdout
    assert (tmp_path / "outreach-coach.sqlite3").exists()


async def test_finish_closes_a_project_early_and_it_then_takes_no_answers(team: Team) -> None:
    await team.command("start kommer-forbi A")
    await team.say("ja")
    ended = said(await team.command("finish"))
    assert "er afsluttet, før guiden var gennemgået" in ended
    assert "Godt arbejde" not in ended  # praise is for work done, not for stopping early
    replies = await team.say("Unge")
    assert "Projektet er afsluttet" in said(replies)
    assert "er afsluttet" in said(await team.command("status"))
    answers = said(await team.command("answers"))
    assert "Ja" in answers  # what was answered is still there


async def test_confirming_the_visit_queues_the_debrief_thread_once_with_the_guides_questions(team: Team) -> None:
    from storage.repository import WorkspaceRepo, find_workspace

    await team.command("start kommer-forbi A")
    for answer in (
        "ja",
        "Unge",
        "ja",
        "Fitness",
        "Jens",
        "1",
        "ja",
        "10.12.2026",
        "Lære dem at kende",
        "ja",
        "Adfærd?\nMotivation?\nKanaler?",
        "ja",
        "ja",
        "Mere samarbejde",
        "Mette\nAli",
        "alle",
        "1,2",
    ):
        replies = await team.say(answer)
    assert asked(replies) == "visited"
    replies = await team.say("ja")
    debrief = said(replies)
    # The chat says a thread is coming; the questions are posted once, in that thread.
    assert "Tid til debriefing" in debrief and "tråd" in debrief and "\n1. " not in debrief
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        threads = [n for n in await repo.nudges(project.id) if n.kind == "debrief-thread"]
    assert len(threads) == 1 and threads[0].status == "pending"
    assert len(threads[0].payload["questions"]) >= 3
