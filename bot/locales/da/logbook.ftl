# Logbogen, som et team sender til sin leder: Markdown, CSV og kalender (bot/export/).
# Beskederne her er én linje hver og uden markup: eksporten sætter selv sin Markdown.

# Datoer og tidspunkter i teamets tidszone. Mønsteret er Unicode CLDR's (babel.dates):
# EEEE ugedag, d dag, MMMM måned, y år.
logbook-day-pattern = EEEE d. MMMM y
logbook-moment = { $day } kl. { $time }

logbook-title = Logbog: { $project }
logbook-glance = Projektet kort fortalt
logbook-guide = Guide
logbook-started = Startet
logbook-started-by = { $when } af { $owner }
logbook-status = Status
logbook-status-active = i gang
logbook-status-waiting = venter på “{ $question }” siden { $since }
logbook-status-paused = sat på pause ved “{ $question }”
logbook-status-finished = afsluttet
logbook-dates = Vigtige datoer
logbook-tasks = Aftaler og åbne opgaver
logbook-task-owner = ansvarlig: { $owner }
logbook-task-due = senest { $day }
logbook-next = Næste skridt
logbook-reminders = Kommende påmindelser
logbook-reminder-debrief = Debriefingen efter “{ $question }” åbnes
logbook-reminder = Påmindelse
logbook-journal = Journal
logbook-journal-empty = Der er ingen noter i journalen endnu.
logbook-debrief = Debriefing efter “{ $question }”
logbook-kind-answer = Svar
logbook-kind-log = Note
logbook-kind-debrief = Debriefing
logbook-kind-task = Opgave
logbook-kind-meeting = Mødenoter
logbook-task-open = åben
logbook-task-done = udført
logbook-edited = rettet { $when }
logbook-skipped = Sprunget over.
logbook-history-answered = Besvaret af { $author }, { $when }
logbook-history-edited = Rettet af { $author }, { $when }; før:
logbook-history-skipped = Sprunget over af { $author }, { $when }
logbook-history-concurrent = Samtidigt svar fra { $author }, { $when }, ikke gemt:
logbook-made = Logbogen er hentet { $when }.

csv-time = Tidspunkt
csv-type = Type
csv-author = Hvem
csv-step = Trin
csv-question = Spørgsmål
csv-action = Handling
csv-value = Indhold
csv-old-value = Tidligere svar
csv-owner = Ansvarlig
csv-due = Frist
action-answered = besvaret
action-edited = rettet
action-skipped = sprunget over
action-concurrent = samtidigt svar

calendar-name = { $project } ({ $guide })
calendar-date = { $question } – { $project }
calendar-reminder = Påmindelse: { $what } – { $project }
