# Reminders the outbox posts on its own (bot/reminder_messages.py).

reminder =
    ⏰ **Reminder: { $project }**

    { $message }
reminder-done = Done
reminder-snooze-day = Snooze a day
reminder-snooze-week = Snooze a week
reminder-stop = Stop the reminder
reminder-task =
    ⏰ **Task from { $project }** for { $owner }

    { $task }
reminder-stalled = 💤 Nothing has happened in **{ $project }** for { $days } days. Where have you got to? Pick it up again, or stop the reminder if the project has been shelved.
reminder-look = See where we are
reminder-debrief-how = Write your impressions as replies in the thread – each of you, ideally right after the visit or meeting. Everything is saved in the logbook of { $project }. When you are done: { CMD("debrief done") }.
reminder-debrief-how-chat = Write your impressions as messages here – each of you, ideally right after the visit or meeting. Every message is saved in the logbook of { $project } as a debriefing note. When you are done, write { CMD("done") }.
reminder-debrief-end = End the debriefing
reminder-logbook-how = Reply in the thread here, or write { CMD("log <text>") } – it goes into the logbook with your name and the time.
