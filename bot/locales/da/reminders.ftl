# Reminders the outbox posts on its own (bot/reminder_messages.py).

reminder =
    ⏰ **Påmindelse: { $project }**

    { $message }
reminder-actions = Hvad vil I gøre med påmindelsen?
reminder-done = Udført
reminder-snooze-day = Udsæt en dag
reminder-snooze-week = Udsæt en uge
reminder-stop = Stop påmindelsen
