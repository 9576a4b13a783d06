## The team's reminders: the list and Done / Snooze / Stop (bot/handlers/reminders.py)

remind-about-task = Task for { $owner }: { $task }
remind-about-debrief-thread = Debriefing after the visit
remind-about-stalled = The project has been quiet for a while
remind-list-none = { $project } has no reminders.
remind-list-header = ⏰ **Reminders of { $project }**
remind-list-upcoming = **Upcoming:**
remind-list-sent = **Sent:**
remind-list-failed = **Could not be sent:**
remind-list-upcoming-line = #{ $number } { $when }: { $about }
remind-list-sent-line = #{ $number } sent { $when }: { $about }
remind-list-failed-line = #{ $number } { $when }: { $about } ({ $reason })
remind-list-hint = Snooze or stop a reminder with e.g. { CMD("reminder snooze 12 1w") } or { CMD("reminder stop 12") }.
remind-act-usage = Write e.g. { CMD("reminder done 12") }, { CMD("reminder snooze 12 1d") } (or 1w for a week) or { CMD("reminder stop 12") }. The numbers are in { CMD("reminders") }.
remind-act-unknown = There is no reminder no. { $number } in this channel. See { CMD("reminders") }.
remind-act-already-done = Reminder no. { $number } is already marked as done.
remind-act-already-cancelled = Reminder no. { $number } has already been stopped.
remind-act-already-failed = Reminder no. { $number } could not be sent and was given up. See { CMD("reminders") }.
remind-act-done = ✅ { $by } has done it: { $about }
remind-act-snoozed = 💤 Snoozed until { $when }: { $about }
remind-act-stopped = 🔕 { $by } stopped the reminder: { $about }
