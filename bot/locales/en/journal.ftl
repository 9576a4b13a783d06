## The logbook, debrief threads and follow-up tasks (bot/handlers/journal.py)

format-day = EEEE d MMMM y
journal-logged = 📓 Written in the logbook of { $project } by { $by }.
journal-empty = The logbook of { $project } is still empty. Write { CMD("log <text>") } to add a note.
journal-header = 📓 **The logbook of { $project }** (latest notes):
journal-task-usage = Write one task per line with what, who and when, e.g. { CMD("task Send a thank-you mail – Mette – Friday") }
journal-task-bad = I could not read the task “{ $line }”. Write what, who and when separated by –, e.g. { CMD("task Send a thank-you mail – Mette – Friday") }. Nothing was saved.
journal-task-bad-date = I did not understand the date “{ $date }” in “{ $line }”. Write e.g. “Friday”, “15.12” or “in a week”. Nothing was saved.
journal-task-past = The date in “{ $line }” has already passed. Nothing was saved.
journal-task-line = { $task } – { $owner } – { $date }
journal-tasks-saved = ✅ Agreed – I will remind the person responsible on the day:
debrief-none = { $project } has no debriefing yet.
debrief-summary = 🗣 **Debriefing of { $project }** – this is what you wrote:
debrief-summary-empty = 🗣 The debriefing of { $project } has no notes yet. Write your impressions in the thread.
debrief-agree-tasks = What have you agreed to follow up on? Write each task with who is responsible and a date, e.g. { CMD("task Send a thank-you mail – Mette – Friday") }. I will remind the person responsible on the day.
debrief-thread-unknown = This thread no longer belongs to a project, so the reply was not saved. Perhaps the project was deleted – see { CMD("projects") }.
debrief-note-saved = ✓ Saved in the logbook.
debrief-chat-note-saved = ✓ Saved as a debriefing note. Write { CMD("done") } when you are done.
debrief-note-updated = ✓ The note in the logbook was updated.
debrief-note-removed = ✓ The note was removed from the logbook.
debrief-opening = 🗣 Time for the debriefing! I am opening a thread for your impressions – write in it, ideally right away.
debrief-opening-chat = 🗣 Time for the debriefing! I am posting the questions here in the chat – write your impressions as messages, ideally right away.
format-day-time = { $day } at { $time }
terminal-thread = (The thread is open: write your notes one line at a time; /done ends the debriefing.)
