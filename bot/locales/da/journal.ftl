## The logbook, debrief threads and follow-up tasks (bot/handlers/journal.py)

format-day = EEEE d. MMMM y
journal-logged = 📓 Skrevet i logbogen for { $project } af { $by }.
journal-empty = Logbogen for { $project } er tom endnu. Skriv { CMD("log <tekst>") } for at tilføje en note.
journal-header = 📓 **Logbogen for { $project }** (de seneste noter):
journal-task-usage = Skriv én opgave pr. linje med hvad, hvem og hvornår, fx { CMD("opgave Send tak-mail – Mette – fredag") }
journal-task-bad = Jeg kunne ikke læse opgaven „{ $line }“. Skriv hvad, hvem og hvornår adskilt af –, fx { CMD("opgave Send tak-mail – Mette – fredag") }. Intet er gemt.
journal-task-bad-date = Jeg forstod ikke datoen „{ $date }“ i „{ $line }“. Skriv fx „fredag“, „15.12“ eller „om en uge“. Intet er gemt.
journal-task-past = Datoen i „{ $line }“ er allerede passeret. Intet er gemt.
journal-task-line = { $task } – { $owner } – { $date }
journal-tasks-saved = ✅ Aftalt – jeg minder den ansvarlige om det på dagen:
debrief-none = { $project } har ingen debriefing endnu.
debrief-summary = 🗣 **Debriefing for { $project }** – det har I skrevet:
debrief-summary-empty = 🗣 Debriefingen for { $project } har ingen noter endnu. Skriv jeres indtryk i tråden.
debrief-agree-tasks = Hvad har I aftalt at følge op på? Skriv hver opgave med ansvarlig og dato, fx { CMD("opgave Send tak-mail – Mette – fredag") }. Jeg minder den ansvarlige om det på dagen.
debrief-thread-unknown = Denne tråd hører ikke (længere) til et projekt, så svaret er ikke gemt. Måske er projektet slettet – se { CMD("projekter") }.
debrief-note-saved = ✓ Gemt i logbogen.
debrief-chat-note-saved = ✓ Gemt som note til debriefingen. Skriv { CMD("færdig") }, når I er færdige.
debrief-note-updated = ✓ Noten i logbogen er rettet.
debrief-note-removed = ✓ Noten er fjernet fra logbogen.
debrief-opening = 🗣 Tid til debriefing! Jeg åbner en tråd til jeres indtryk – skriv i den, gerne lige med det samme.
debrief-opening-chat = 🗣 Tid til debriefing! Jeg sender spørgsmålene her i chatten – skriv jeres indtryk som beskeder, gerne lige med det samme.
format-day-time = { $day } kl. { $time }
terminal-thread = (Tråden er åben: skriv jeres noter én linje ad gangen; /done afslutter debriefingen.)
