# The logbook a team sends its manager: Markdown, CSV and calendar (bot/export/).
# Each message is one line without markup: the export writes its own Markdown.

# Dates and times in the team's time zone. The pattern is Unicode CLDR's (babel.dates):
# EEEE weekday, d day, MMMM month, y year.
logbook-day-pattern = EEEE d MMMM y
logbook-moment = { $day } at { $time }

logbook-title = Logbook: { $project }
logbook-glance = The project at a glance
logbook-guide = Guide
logbook-started = Started
logbook-started-by = { $when } by { $owner }
logbook-status = Status
logbook-status-active = in progress
logbook-status-waiting = waiting for “{ $question }” since { $since }
logbook-status-paused = paused at “{ $question }”
logbook-status-finished = finished
logbook-dates = Key dates
logbook-tasks = Agreements and open tasks
logbook-task-owner = owner: { $owner }
logbook-task-due = by { $day }
logbook-next = Next step
logbook-reminders = Upcoming reminders
logbook-reminder-debrief = The debrief after “{ $question }” opens
logbook-reminder = Reminder
logbook-journal = Journal
logbook-journal-empty = There are no notes in the journal yet.
logbook-debrief = Debrief after “{ $question }”
logbook-kind-answer = Answer
logbook-kind-log = Note
logbook-kind-debrief = Debrief
logbook-kind-task = Task
logbook-kind-meeting = Meeting notes
logbook-task-open = open
logbook-task-done = done
logbook-edited = edited { $when }
logbook-skipped = Skipped.
logbook-history-answered = Answered by { $author }, { $when }
logbook-history-edited = Changed by { $author }, { $when }; before:
logbook-history-skipped = Skipped by { $author }, { $when }
logbook-history-concurrent = Concurrent answer from { $author }, { $when }, not kept:
logbook-made = Exported { $when }.

csv-time = Time
csv-type = Type
csv-author = Who
csv-step = Step
csv-question = Question
csv-action = Action
csv-value = Content
csv-old-value = Previous answer
csv-owner = Owner
csv-due = Due
action-answered = answered
action-edited = changed
action-skipped = skipped
action-concurrent = concurrent answer

calendar-name = { $project } ({ $guide })
calendar-date = { $question } – { $project }
calendar-reminder = Reminder: { $what } – { $project }
