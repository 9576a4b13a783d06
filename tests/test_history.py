"""Back, skip, edit and a changed branch: nothing a team wrote is ever lost."""

from __future__ import annotations

from datetime import timedelta

from bot.replies import QuestionReply, Reply
from storage.repository import WorkspaceRepo, find_workspace
from tests.conftest import Team, asked, said


async def history(team: Team) -> list[tuple[str, str, object, object, str]]:
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        return [(h.step_id, h.action, h.value, h.old_value, h.author) for h in await repo.history(project.id)]


async def reach_relation(team: Team) -> list[Reply]:
    await team.command("start kommer-forbi Fitness Nord")
    await team.say("ja")
    await team.say("Unge mænd")
    await team.say("ja")
    await team.say("Fitnesscenter Nord")
    return await team.say("Centerleder Jens")


async def test_back_shows_the_earlier_question_with_its_answer_and_keeps_it(team: Team) -> None:
    replies = await reach_relation(team)
    assert asked(replies) == "relation"
    replies = await team.command("back")
    shown = [r for r in replies if isinstance(r, QuestionReply)][-1]
    assert shown.step == "contact_person" and shown.current == "Centerleder Jens"
    replies = await team.say("Centerleder Jens Hansen", user="Ali")
    assert asked(replies) == "relation"
    steps = await history(team)
    assert ("contact_person", "edited", "Centerleder Jens Hansen", "Centerleder Jens", "Ali") in steps


async def test_an_optional_question_can_be_skipped_and_the_skip_is_recorded(team: Team) -> None:
    await reach_relation(team)
    replies = await team.say("2")  # a good acquaintance
    assert asked(replies) == "acq_mail_draft"
    replies = await team.command("skip")
    assert asked(replies) == "acq_call"
    assert ("acq_mail_draft", "skipped", None, None, "Mette") in await history(team)


async def test_a_required_question_cannot_be_skipped(team: Team) -> None:
    await reach_relation(team)
    replies = await team.command("skip")
    assert "skal besvares" in said(replies)
    assert asked(replies) == "relation"


async def test_changing_a_branch_keeps_the_old_branch_answers(team: Team) -> None:
    await reach_relation(team)
    await team.say("2")  # acquaintance: draft, call, mail sent (+ a follow-up nudge)
    await team.say("Kære Jens, vi vil gerne ...")
    await team.say("ja")
    replies = await team.say("ja")
    assert "Påmindelse sat" in said(replies)
    replies = await team.command("edit relation 3")  # no relation after all
    assert asked(replies) == "none_research"
    answers = said(await team.command("answers"))
    assert "Kære Jens, vi vil gerne" in answers  # kept, listed under the other branch
    assert "en anden gren" in answers
    steps = await history(team)
    assert ("relation", "edited", "none", "acquaintance", "Mette") in steps
    assert ("acq_mail_draft", "answered", "Kære Jens, vi vil gerne ...", None, "Mette") in steps
    # and going back to the first branch finds the old answers still there
    replies = await team.command("edit relation 2")
    assert asked(replies) == "acq_followed_up"  # that road still asks whether the mail got a reply


async def test_edit_by_number_from_the_answers_list(team: Team) -> None:
    await reach_relation(team)
    replies = await team.command("edit 2")
    shown = [r for r in replies if isinstance(r, QuestionReply)][-1]
    assert shown.step == "target_group" and shown.current == "Unge mænd"
    replies = await team.say("Unge mænd 18-25")
    assert asked(replies) == "relation"
    assert ("target_group", "edited", "Unge mænd 18-25", "Unge mænd", "Mette") in await history(team)


async def test_editing_a_date_moves_the_reminders_that_hang_on_it(team: Team) -> None:
    await reach_relation(team)
    await team.say("1")  # close relation: call
    replies = await team.say("ja")
    assert asked(replies) == "meeting_date"
    await team.say("10.12.2026")
    await team.say("Lære de unge mænd at kende")
    await team.say("ja")
    await team.say("Hvordan bruger de stedet?\nHvad motiverer dem?\nHvilke kanaler bruger de?")
    replies = await team.say("nej")  # agenda not sent yet: ask again 5 days before the meeting
    assert "Jeg spørger igen man. 7. dec. 2026 09.00" in said(replies)
    assert "vores forslag" in said(replies)  # the document says "in good time", not five days
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        [project] = await repo.projects()
        before = {n.kind: n.due_at for n in await repo.nudges(project.id)}
    await team.command("edit meeting_date 17.12.2026")
    async with team.coach.db.session() as session:
        repo = WorkspaceRepo(session, (await find_workspace(session, "web", "local")).id)
        after = {n.kind: n.due_at for n in await repo.nudges(project.id)}
    # Five days before 10 December is a Saturday: the reminder waits for Monday morning.
    assert before["check-back"].date().isoformat() == "2026-12-07"
    assert after["check-back"] - before["check-back"] == timedelta(days=7)
