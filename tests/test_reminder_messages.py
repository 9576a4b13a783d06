"""What each kind of reminder says when it is posted, and what its buttons do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.reminder_messages import compose
from bot.replies import ActionsReply, Reply, TextReply
from storage.outbox import DueNudge


def due(kind: str, payload: dict[str, Any], lang: str = "da") -> DueNudge:
    return DueNudge(
        id=7,
        workspace_id=1,
        project_id=3,
        project_name="Fitness Nord",
        kind=kind,
        platform="web",
        conversation="web",
        thread=None,
        recipient=payload.get("owner"),
        payload=payload,
        attempts=1,
        due_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        dedupe_key=f"3:{kind}",
        address=None,
        lang=lang,
        timezone="Europe/Copenhagen",
        work_days="12345",
        work_start="09:00",
        work_end="15:00",
    )


def text(replies: list[Reply]) -> str:
    return "\n".join(r.text.plain() for r in replies if isinstance(r, TextReply | ActionsReply))


def buttons(replies: list[Reply]) -> list[tuple[str, str | None, object]]:
    [actions] = [r for r in replies if isinstance(r, ActionsReply)]
    return [(a.label, a.command, a.answer and (a.answer.step, a.answer.value)) for a in actions.actions]


def test_a_guides_reminder_has_done_snooze_and_stop() -> None:
    message = {"da": "Følg op på mailen til Jens.", "en": "Follow up on the mail to Jens."}
    replies = compose(due("follow_up", {"message": message}))
    assert "Påmindelse: Fitness Nord" in text(replies) and "Følg op på mailen til Jens." in text(replies)
    assert [command for _label, command, _answer in buttons(replies)] == [
        "reminder done 7",
        "reminder snooze 7 1d",
        "reminder snooze 7 1w",
        "reminder stop 7",
    ]


def test_a_check_back_asks_again_with_the_steps_own_done_and_not_yet() -> None:
    message = {"da": "Har I fået ringet til Jens?", "en": "Have you called Jens?"}
    replies = compose(due("check-back", {"message": message, "step": "call_close", "suggested": True}))
    assert "Har I fået ringet til Jens?" in text(replies) and "vores forslag" in text(replies)
    assert buttons(replies) == [
        ("Gjort", None, ("call_close", True)),
        ("Ikke endnu", None, ("call_close", False)),
        ("Stop påmindelsen", "reminder stop 7", None),
    ]


def test_a_task_reminder_names_its_owner_in_english_too() -> None:
    replies = compose(due("task", {"task": "Send the thank-you mail", "owner": "Ali", "due": "2026-11-27"}, "en"))
    assert "Task from Fitness Nord for Ali" in text(replies) and "Send the thank-you mail" in text(replies)


def test_a_quiet_project_shows_the_way_back() -> None:
    replies = compose(due("stalled", {"days": 14}))
    assert "i 14 dage" in text(replies)
    assert buttons(replies)[0] == ("Se hvor vi er", "status", None)


def test_the_weekly_logbook_prompt_says_how_to_write_in_the_logbook() -> None:
    message = {"da": "Tid til logbogen: Hvad er der sket siden sidst?", "en": "Time for the logbook."}
    replies = compose(due("logbook", {"message": message, "repeat": "weekly"}))
    assert "Tid til logbogen" in text(replies) and "Svar i tråden her, eller skriv /log <tekst>" in text(replies)
