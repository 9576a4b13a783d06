## A guide in words (bot/guide_words/): its timings and branches, the whole guide for
## review (outreach-coach guides show), and what the team hears when a project starts.

# Durations as people say them: exact, in days up to 13, whole weeks from 2 weeks, whole
# months (a guide's P1M is 30 days).
words-minutes = { $count ->
    [one] { $count } minut
   *[other] { $count } minutter
}
words-hours = { $count ->
    [one] { $count } time
   *[other] { $count } timer
}
words-days = { $count ->
    [one] { $count } dag
   *[other] { $count } dage
}
words-weeks = { $count ->
    [one] { $count } uge
   *[other] { $count } uger
}
words-months = { $count ->
    [one] { $count } måned
   *[other] { $count } måneder
}

# A question or an answer, quoted; in the review a question also has its number.
words-quoted = “{ $text }”
words-step-numbered = nr. { $number } “{ $question }”

# When a reminder comes. $relations is one or more of words-before/-after/-same-day.
words-before = { $duration } før
words-after = { $duration } efter
words-same-day = samme dag som
words-lead-chosen = med det forspring, I vælger i { $step }, før
words-on-dates = { $relations } { $count ->
    [one] datoen
   *[other] datoerne
} i { $steps }
words-on-labelled = { $relations } { $dates }
words-the-answer = svaret
words-after-pause = { $duration } efter, at projektet er sat på pause
words-after-answer = { $duration } efter svaret
words-after-answer-to = { $duration } efter svaret på { $step }
words-right-after-answer = lige efter svaret
words-right-after-answer-to = lige efter svaret på { $step }
words-then-every = { $first } og derefter { $every }
words-every-weekly = hver uge
words-every-fortnightly = hver anden uge
words-every-monthly = hver måned
words-every-chosen = med den rytme, I vælger i { $step }
words-suggested = { $timing } (vores forslag)

# When the coach asks again after "Ikke endnu".
words-again-after = efter { $duration }
words-again-default = efter standardtiden på { $duration }

# Where a branch goes, or when a reminder or debriefing applies.
words-if-is = hvis { $step } er { $value }
words-if-is-own = hvis { $value }
words-if-chosen = hvis { $value } er valgt i { $step }
words-if-chosen-own = hvis { $value } er valgt
words-if-answered = hvis { $step } er besvaret
words-if-answered-own = hvis spørgsmålet er besvaret
words-if-not-answered = hvis { $step } ikke er besvaret
words-if-not-answered-own = hvis spørgsmålet springes over

## The whole guide for review: outreach-coach guides show ID (plain text, no markup)

guide-show-about = Om guiden: { $summary }
guide-show-duration = Tid: { $duration }
guide-show-no-duration = Tid: guiden nævner ingen.
guide-show-source = Kilde: { $source } (version { $version })
guide-show-size = { $sections ->
    [one] Én del
   *[other] { $sections } dele
} og { $steps ->
    [one] ét spørgsmål
   *[other] { $steps } spørgsmål
}, nummereret i guidens rækkefølge.
guide-show-legend = “Vores forslag” betyder, at dokumentet ikke nævner tidspunktet: det foreslår coachen selv, og teamet kan udsætte eller stoppe påmindelsen.
guide-show-answer = Svar: { $kind }
guide-show-answer-optional = Svar: { $kind } (valgfrit)
guide-show-kind-text = fri tekst
guide-show-kind-single_choice = vælg én
guide-show-kind-multi_choice = vælg en eller flere
guide-show-kind-checklist = sæt flueben
guide-show-kind-date = en dato
guide-show-kind-list = en liste, ét punkt pr. linje
guide-show-kind-list-range = en liste med { $min }–{ $max } punkter
guide-show-kind-list-exactly = en liste med præcis { $min } { $min ->
    [one] punkt
   *[other] punkter
}
guide-show-kind-list-min = en liste med mindst { $min } { $min ->
    [one] punkt
   *[other] punkter
}
guide-show-kind-list-max = en liste med højst { $max } { $max ->
    [one] punkt
   *[other] punkter
}
guide-show-kind-confirm = { $yes } eller { $no }
guide-show-help = Hjælp: { $text }
guide-show-wait = Svarer I { $not_yet }, spørger jeg igen { $when }.
guide-show-wait-undated = Springer I { $step } over, spørger jeg igen { $when }.
guide-show-nudge = Påmindelse { $when }.
guide-show-nudge-if = Påmindelse { $when }, { $condition }.
guide-show-message = Besked: { $text }
guide-show-debrief = Debriefing: jeg åbner en tråd med spørgsmålene
guide-show-debrief-if = Debriefing, { $condition }: jeg åbner en tråd med spørgsmålene
guide-show-next = → { $number }. { $question }
guide-show-branch = { $condition }: → { $number }. { $question }
guide-show-otherwise = ellers
guide-show-end = Her slutter guiden.
guide-show-pause = Her holder projektet pause, til I genoptager det.

## At the start of a project: who the guide is for, how long, its parts and its reminders

guide-intro-about = **Om guiden:** { $summary }
guide-intro-duration = **Tid:** { $duration }
guide-intro-sections = **Guiden har { $count ->
    [one] én del
   *[other] { $count } dele
}:**
guide-intro-reminders = **Jeg minder jer om:**
guide-intro-reminder = { $what }: { $when }
guide-intro-reminder-message = { $when }: { $what }
guide-intro-waits = **Svarer I { $not_yet }, spørger jeg igen:**
guide-intro-wait = { $step }: { $when }
guide-intro-wait-others = De andre spørgsmål: { $when }
guide-intro-waits-all = Svarer I { $not_yet }, spørger jeg igen { $when }.

# What a guide's reminder is about, by its kind (a guide file's nudge "kind"). A kind
# without a line here is shown with the reminder's own message.
guide-intro-kind-follow_up = Opfølgning
guide-intro-kind-ready_to_continue = Om I er klar til at fortsætte
guide-intro-kind-debrief = Debriefing
guide-intro-kind-follow_up_tasks = De opgaver, I har aftalt
guide-intro-kind-agenda = Dagsordenen
guide-intro-kind-newsletter = Nyhedsbrevet
guide-intro-kind-communication_before = Formidling før
guide-intro-kind-communication_after = Formidling efter
guide-intro-kind-communication_booking = Annoncer og husstandsomdeling
guide-intro-kind-logbook = Logbogen
guide-intro-kind-document_meeting = Dokumentation af mødet
