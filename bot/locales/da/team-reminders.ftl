## The team's reminders: the list and Done / Snooze / Stop (bot/handlers/reminders.py)

remind-about-task = Opgave til { $owner }: { $task }
remind-about-debrief-thread = Debriefing efter besøget
remind-about-stalled = Projektet har ligget stille et stykke tid
remind-list-none = { $project } har ingen påmindelser.
remind-list-header = ⏰ **Påmindelser for { $project }**
remind-list-upcoming = **Kommende:**
remind-list-sent = **Sendt:**
remind-list-failed = **Kunne ikke sendes:**
remind-list-upcoming-line = #{ $number } { $when }: { $about }
remind-list-sent-line = #{ $number } sendt { $when }: { $about }
remind-list-failed-line = #{ $number } { $when }: { $about } ({ $reason })
remind-list-hint = Udsæt eller stop en påmindelse med fx { CMD("påmindelse udsæt 12 1u") } eller { CMD("påmindelse stop 12") }.
remind-act-usage = Skriv fx { CMD("påmindelse klaret 12") }, { CMD("påmindelse udsæt 12 1d") } (eller 1u for en uge) eller { CMD("påmindelse stop 12") }. Numrene står i { CMD("påmindelser") }.
remind-act-unknown = Der er ingen påmindelse nr. { $number } i denne kanal. Se { CMD("påmindelser") }.
remind-act-already-done = Påmindelse nr. { $number } er allerede markeret som klaret.
remind-act-already-cancelled = Påmindelse nr. { $number } er allerede stoppet.
remind-act-already-failed = Påmindelse nr. { $number } kunne ikke sendes og er opgivet. Se { CMD("påmindelser") }.
remind-act-done = ✅ { $by } har klaret det: { $about }
remind-act-snoozed = 💤 Udsat til { $when }: { $about }
remind-act-stopped = 🔕 { $by } har stoppet påmindelsen: { $about }
