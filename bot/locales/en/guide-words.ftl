## A guide in words (bot/guide_words/): its timings and branches, the whole guide for
## review (outreach-coach guides show), and what the team hears when a project starts.

# Durations as people say them: exact, in days up to 13, whole weeks from 2 weeks, whole
# months (a guide's P1M is 30 days).
words-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
words-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
words-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
words-weeks = { $count ->
    [one] { $count } week
   *[other] { $count } weeks
}
words-months = { $count ->
    [one] { $count } month
   *[other] { $count } months
}

# A question or an answer, quoted; in the review a question also has its number.
words-quoted = “{ $text }”
words-step-numbered = no. { $number } “{ $question }”

# When a reminder comes. $relations is one or more of words-before/-after/-same-day.
words-before = { $duration } before
words-after = { $duration } after
words-same-day = on the same day as
words-lead-chosen = with the lead time you choose in { $step }, before
words-on-dates = { $relations } { $count ->
    [one] the date
   *[other] the dates
} in { $steps }
words-on-labelled = { $relations } { $dates }
words-the-answer = the answer
words-after-pause = { $duration } after the project pauses
words-after-answer = { $duration } after the answer
words-after-answer-to = { $duration } after the answer to { $step }
words-right-after-answer = right after the answer
words-right-after-answer-to = right after the answer to { $step }
words-then-every = { $first } and then { $every }
words-every-weekly = every week
words-every-fortnightly = every other week
words-every-monthly = every month
words-every-chosen = at the rhythm you choose in { $step }
words-suggested = { $timing } (our suggestion)

# When the coach asks again after "Not yet".
words-again-after = after { $duration }
words-again-default = after the default { $duration }

# Where a branch goes, or when a reminder or debriefing applies.
words-if-is = if { $step } is { $value }
words-if-is-own = if { $value }
words-if-chosen = if { $value } is chosen in { $step }
words-if-chosen-own = if { $value } is chosen
words-if-answered = if { $step } is answered
words-if-answered-own = if the question is answered
words-if-not-answered = if { $step } is not answered
words-if-not-answered-own = if the question is skipped

## The whole guide for review: outreach-coach guides show ID (plain text, no markup)

guide-show-about = About the guide: { $summary }
guide-show-duration = Time: { $duration }
guide-show-no-duration = Time: the guide names none.
guide-show-source = Source: { $source } (version { $version })
guide-show-size = { $sections ->
    [one] One part
   *[other] { $sections } parts
} and { $steps ->
    [one] one question
   *[other] { $steps } questions
}, numbered in the guide's order.
guide-show-legend = “Our suggestion” means the document does not name the timing: the coach proposes it, and the team can snooze or stop the reminder.
guide-show-answer = Answer: { $kind }
guide-show-answer-optional = Answer: { $kind } (optional)
guide-show-kind-text = free text
guide-show-kind-single_choice = choose one
guide-show-kind-multi_choice = choose one or more
guide-show-kind-checklist = tick boxes
guide-show-kind-date = a date
guide-show-kind-list = a list, one item per line
guide-show-kind-list-range = a list of { $min }–{ $max } items
guide-show-kind-list-exactly = a list of exactly { $min } { $min ->
    [one] item
   *[other] items
}
guide-show-kind-list-min = a list of at least { $min } { $min ->
    [one] item
   *[other] items
}
guide-show-kind-list-max = a list of at most { $max } { $max ->
    [one] item
   *[other] items
}
guide-show-kind-confirm = { $yes } or { $no }
guide-show-help = Help: { $text }
guide-show-wait = If you answer { $not_yet }, I ask again { $when }.
guide-show-wait-undated = If you skip { $step }, I ask again { $when }.
guide-show-nudge = Reminder { $when }.
guide-show-nudge-if = Reminder { $when }, { $condition }.
guide-show-message = Message: { $text }
guide-show-debrief = Debriefing: I open a thread with the questions
guide-show-debrief-if = Debriefing, { $condition }: I open a thread with the questions
guide-show-next = → { $number }. { $question }
guide-show-branch = { $condition }: → { $number }. { $question }
guide-show-otherwise = otherwise
guide-show-end = The guide ends here.
guide-show-pause = The project pauses here until you resume it.

## At the start of a project: who the guide is for, how long, its parts and its reminders

guide-intro-about = **About the guide:** { $summary }
guide-intro-duration = **Time:** { $duration }
guide-intro-sections = **The guide has { $count ->
    [one] one part
   *[other] { $count } parts
}:**
guide-intro-reminders = **I will remind you of:**
guide-intro-reminder = { $what }: { $when }
guide-intro-reminder-message = { $when }: { $what }
guide-intro-waits = **If you answer { $not_yet }, I ask again:**
guide-intro-wait = { $step }: { $when }
guide-intro-wait-others = The other questions: { $when }
guide-intro-waits-all = If you answer { $not_yet }, I ask again { $when }.

# What a guide's reminder is about, by its kind (a guide file's nudge "kind"). A kind
# without a line here is shown with the reminder's own message.
guide-intro-kind-follow_up = Following up
guide-intro-kind-ready_to_continue = Whether you are ready to carry on
guide-intro-kind-debrief = Debriefing
guide-intro-kind-follow_up_tasks = The tasks you agreed on
guide-intro-kind-agenda = The agenda
guide-intro-kind-newsletter = The newsletter
guide-intro-kind-communication_before = Spreading the word beforehand
guide-intro-kind-communication_after = Sharing afterwards
guide-intro-kind-communication_booking = Adverts and door-to-door leaflets
guide-intro-kind-logbook = The logbook
guide-intro-kind-document_meeting = Documenting the meeting
