"""A team lives kommer-forbi in a Teams channel, over weeks: from "@Outreach Coach start"
through the follow-up reminder a week after the mail, the visit, the debrief post where
Mette and Jonas write their notes as replies (and Mette corrects hers), the summary, and
the logbook.

Everything goes as Teams sends it: message activities POSTed to /api/messages, card
buttons pressed as ``adaptiveCard/action`` invokes carrying the data of the cards the bot
really sent, thread replies with the post's id in the conversation id. What the team sees
is what the fake Bot Connector recorded, and the cards the invokes got back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.server import DB_KEY
from storage.models import Project
from tests.team_walks import AFTER_A_WEEK, debrief_notes, reminders
from tests.teams_bot import JONAS, METTE, TeamsBot, answer, question
from tests.teams_fake import CHANNEL_ID, base_conversation


async def test_a_team_runs_kommer_forbi_in_a_teams_channel_from_start_to_logbook(
    teams_bot_on_each_database: TeamsBot,
) -> None:
    teams_bot = teams_bot_on_each_database
    # Week 1: Mette starts the project with a new post in the team's channel, @mentioning the coach.
    assert await teams_bot.say("start kommer-forbi Fitness Nord") == 200
    sent = teams_bot.new()
    started = question(sent)
    assert base_conversation(started.conversation) == CHANNEL_ID and started.operation == "reply"
    assert ";messageid=" in started.conversation  # the coach answers in Mette's post
    assert "Fitness Nord" in started.text and "Biblioteket kommer forbi" in started.text
    assert set(started.buttons()) >= {"Ja", "Nej"}

    # A press answers in place: the card becomes "answered by Mette", without live buttons.
    # Mette sees it in the invoke's answer; everyone else in the channel by the message's update.
    sent = await answer(teams_bot, "Ja")
    [answered] = [item for item in teams_bot.history if item.operation == "invoke-update"]
    assert answered.id == started.id and not answered.buttons() and "Mette Hansen" in answered.text
    [updated] = [item for item in sent if item.operation == "update"]
    assert updated.id == started.id and updated.card == answered.card
    assert "spørgsmål 2 af" in question(sent).text

    await answer(teams_bot, "Unge mænd, der træner")
    await answer(teams_bot, "Ja")
    await answer(teams_bot, "Fitnesscenter Nord")
    await answer(teams_bot, "Centerleder Jens")
    await answer(teams_bot, "Vedkommende er en god bekendt")
    await answer(teams_bot, "Hej Jens, vi vil gerne besøge jer og lære de unge at kende.")
    await answer(teams_bot, "Gjort", JONAS)  # Jonas called Jens
    sent = await answer(teams_bot, "Gjort")  # the mail is sent: a follow-up in a week
    assert "svar på mailen" in question(sent).text
    await answer(teams_bot, "Ikke endnu")
    follow_up = [row for row in await reminders(teams_bot.app[DB_KEY]) if row.kind == "follow_up"]
    assert [row.status for row in follow_up] == ["pending"]

    # Week 2: the follow-up arrives as a new post in the channel with Done / Snooze / Stop,
    # and the check-back on "no reply yet" with the step's own Gjort / Ikke endnu.
    report = await teams_bot.run_due(datetime.now(UTC) + AFTER_A_WEEK)
    assert report.sent == 2
    delivered = teams_bot.new()
    assert [(item.operation, item.conversation) for item in delivered] == [("send", CHANNEL_ID)] * 2
    [follow] = [item for item in delivered if "tid til at følge op" in item.text]
    [check_back] = [item for item in delivered if "Ikke endnu" in item.buttons()]
    assert set(follow.buttons()) == {"Udført", "Udsæt en dag", "Udsæt en uge", "Stop påmindelsen"}
    status, body = await teams_bot.press(follow, "Udført", JONAS)
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Udført" not in teams_bot.history[-1].buttons()  # the reminder's card lost its buttons
    assert [row.status for row in await reminders(teams_bot.app[DB_KEY]) if row.kind == "follow_up"] == ["done"]

    # Jens has answered: Gjort on the check-back answers the step, on to the meeting.
    status, _ = await teams_bot.press(check_back, "Gjort", JONAS)
    assert status == 200
    teams_bot.new()
    assert "mødet" in question(teams_bot.history).text
    meeting = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    await answer(teams_bot, meeting)  # the card's date picker
    await answer(teams_bot, "Lære de unge at kende")
    await answer(teams_bot, "Ja")
    await answer(teams_bot, "Hvem er de?\nHvad læser de?\nHvor mødes de?")
    await answer(teams_bot, "Gjort")  # agenda sent
    await answer(teams_bot, "Ja")  # a tour
    await answer(teams_bot, "Lektiecafé og e-bøger")
    await answer(teams_bot, "Mette\nJonas")
    await answer(teams_bot, None)  # every visit question ticked
    await answer(teams_bot, None)  # documentation: all
    sent = await answer(teams_bot, "Gjort")  # back from the visit: the debrief opens
    assert "tråd" in "\n".join(item.text for item in sent)

    # The debrief is a new post in the channel; Mette and Jonas reply in it, without @mentions.
    await teams_bot.run_due(datetime.now(UTC) + timedelta(minutes=5))
    [debrief] = [item for item in teams_bot.new() if "debriefing" in item.text.lower()]
    assert debrief.operation == "send" and debrief.conversation == CHANNEL_ID and debrief.id
    thread = debrief.id
    mette_note = teams_bot.message("De unge vil have lektiehjælp om aftenen", METTE, thread=thread, mention=False)
    assert (await teams_bot.post(mette_note))[0] == 200
    jonas_note = teams_bot.message("Centerlederen er åben for en stand", JONAS, thread=thread, mention=False)
    assert (await teams_bot.post(jonas_note))[0] == 200
    assert await debrief_notes(teams_bot.app[DB_KEY]) == [
        ("Jonas Berg", "Centerlederen er åben for en stand"),
        ("Mette Hansen", "De unge vil have lektiehjælp om aftenen"),
    ]

    # Mette corrects her note (Teams' messageUpdate); the saved note follows.
    edit = teams_bot.activity("message_update")
    edit.update(
        id=mette_note["id"],
        conversation=mette_note["conversation"],
        **{"from": mette_note["from"], "text": "De unge vil have lektiehjælp tirsdag aften"},
    )
    assert (await teams_bot.post(edit))[0] == 200
    assert ("Mette Hansen", "De unge vil have lektiehjælp tirsdag aften") in await debrief_notes(teams_bot.app[DB_KEY])

    # Jonas writes a note twice by mistake and deletes the second (Teams' messageDelete).
    twice = teams_bot.message("Centerlederen er åben for en stand", JONAS, thread=thread, mention=False)
    assert (await teams_bot.post(twice))[0] == 200
    assert len(await debrief_notes(teams_bot.app[DB_KEY])) == 3
    delete = teams_bot.activity("message_delete")
    delete.update(id=twice["id"], conversation=twice["conversation"], **{"from": twice["from"]})
    assert (await teams_bot.post(delete))[0] == 200
    assert len(await debrief_notes(teams_bot.app[DB_KEY])) == 2

    # Talk in another post of the channel, not for the coach, is neither answered nor kept.
    teams_bot.new()
    assert await teams_bot.say("Husk kage til fredag", JONAS, thread="1799999999999", mention=False) == 200
    assert teams_bot.new() == [] and len(await debrief_notes(teams_bot.app[DB_KEY])) == 2

    # The summary in the debrief post, and the logbook.
    assert await teams_bot.say("debrief færdig", METTE, thread=thread) == 200
    summary = "\n".join(item.text for item in teams_bot.new())
    assert "lektiehjælp tirsdag aften" in summary and "Centerlederen er åben" in summary
    assert await teams_bot.say("eksport") == 200
    logbook = "\n".join(item.body.get("text") or item.text for item in teams_bot.new())
    assert "Fitness Nord" in logbook and "lektiehjælp tirsdag aften" in logbook and "Centerleder Jens" in logbook

    async with teams_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers["acq_followed_up"] is True and project.answers["meeting_date"].startswith(meeting)
