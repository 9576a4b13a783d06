"""A date that has already passed is asked about, and kept when the team says so."""

from __future__ import annotations

from bot.replies import ActionsReply
from tests.conftest import Team, asked, said


async def reach_meeting_date(team: Team) -> None:
    await team.command("start kommer-forbi Fitness Nord")
    for answer in ("ja", "Unge mænd", "ja", "Fitnesscenter Nord", "Centerleder Jens", "1", "ja"):
        replies = await team.say(answer)
    assert asked(replies) == "meeting_date"


async def test_a_past_date_is_asked_about_and_a_click_keeps_it(team: Team) -> None:
    await reach_meeting_date(team)  # the coach's clock says 23 November 2026
    replies = await team.say("1.11.2026")
    assert "allerede gået" in said(replies)
    [confirm] = [r for r in replies if isinstance(r, ActionsReply)]
    assert confirm.audience == "asker" and confirm.actions[0].label == "Ja, den dato"
    action = confirm.actions[0].answer
    assert action is not None
    replies = await team.click(action.step, action.value)
    assert asked(replies) == "meeting_purpose"
    assert "søndag 1. november 2026" in str([r for r in replies if getattr(r, "answer", None)])


async def test_after_a_past_date_the_team_can_write_another_one_instead(team: Team) -> None:
    await reach_meeting_date(team)
    await team.say("1.11.2026")
    replies = await team.say("15.12")
    assert asked(replies) == "meeting_purpose"
