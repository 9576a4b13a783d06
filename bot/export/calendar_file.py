"""The logbook's dates as an ``.ics`` calendar: every date answer on the active path and every
reminder still to come, in the team's time zone.

A date without a time is an all-day event; a date with a time is a one-hour event from then;
a reminder is a short event at its due time. UIDs are stable per project and step (or
reminder), so importing a newer export updates the events instead of doubling them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from bot.export.book import Logbook, dated_answers, pending_reminders, reminder_key
from bot.export.wording import Wording, shorten
from bot.i18n import Messages

MEETING = timedelta(hours=1)
REMINDER = timedelta(minutes=15)
DOMAIN = "outreach-coach"


def logbook_ics(book: Logbook, t: Messages) -> str:
    words = Wording(book, t)
    project = book.project
    calendar = Calendar.new(
        prodid=f"-//Outreach Coach//{DOMAIN}//{t.lang.upper()}",
        name=t.text("calendar-name", project=project.name, guide=book.guide.title.get(t.lang)),
        language=t.lang,
        uid=f"{project.id}@{DOMAIN}",
    )
    for step, answer in dated_answers(book):
        if answer.time is None:
            start: date | datetime = answer.day
            end: date | datetime = answer.day + timedelta(days=1)
        else:
            start = datetime.combine(answer.day, answer.time, tzinfo=book.timezone)
            end = start + MEETING
        question = words.question(step.id)
        calendar.add_component(
            Event.new(
                uid=f"{project.id}-{step.id}{f'-{answer.day}' if step.many else ''}@{DOMAIN}",
                stamp=book.made_at,
                start=start,
                end=end,
                summary=t.text("calendar-date", question=shorten(question), project=project.name),
                description=question,
            )
        )
    for nudge in pending_reminders(book):
        due = nudge.due_at.astimezone(book.timezone)
        what = words.reminder(nudge)
        key = reminder_key(nudge).replace(":", "-")
        calendar.add_component(
            Event.new(
                uid=f"{project.id}-reminder-{key}@{DOMAIN}",
                stamp=book.made_at,
                start=due,
                end=due + REMINDER,
                summary=t.text("calendar-reminder", what=shorten(what), project=project.name),
                description=what,
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
