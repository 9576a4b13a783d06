# Reminders the outbox posts on its own (bot/reminder_messages.py).

reminder =
    ⏰ **Påmindelse: { $project }**

    { $message }
reminder-done = Udført
reminder-snooze-day = Udsæt en dag
reminder-snooze-week = Udsæt en uge
reminder-stop = Stop påmindelsen
reminder-task =
    ⏰ **Opgave fra { $project }** til { $owner }

    { $task }
reminder-stalled = 💤 Der er ikke sket noget i **{ $project }** i { $days } dage. Hvor er I nået til? Tag tråden op igen, eller stop påmindelsen, hvis projektet er lagt væk.
reminder-look = Se hvor vi er
reminder-debrief-how = Skriv jeres indtryk som svar i tråden – hver jeres, gerne lige efter besøget eller mødet. Alt gemmes i logbogen for { $project }. Når I er færdige: { CMD("debrief færdig") }.
reminder-debrief-how-chat = Skriv jeres indtryk som beskeder her – hver jeres, gerne lige efter besøget eller mødet. Hver besked gemmes i logbogen for { $project } som en note til debriefingen. Når I er færdige, så skriv { CMD("færdig") }.
reminder-debrief-end = Afslut debriefingen
reminder-logbook-how = Svar i tråden her, eller skriv { CMD("log <tekst>") } – det kommer i logbogen med navn og tid.
