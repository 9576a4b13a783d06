# Reminders the outbox posts on its own (bot/reminder_messages.py).

reminder =
    ⏰ **Reminder: { $project }**

    { $message }
reminder-actions = What would you like to do with this reminder?
reminder-done = Done
reminder-snooze-day = Snooze a day
reminder-snooze-week = Snooze a week
reminder-stop = Stop the reminder
