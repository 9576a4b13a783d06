# The coach's own words in English. Keep in step with da.ftl (markup explained there).

help-short = Type { CMD("help") } to see what I can do.
help =
    I am **Outreach Coach** and walk your team through an outreach guide, step by step. Answer the question by typing or pressing a button. Commands:
    - { CMD("guides") }: list the guides
    - { CMD("start <guide> [name]") }: start a project, e.g. { CMD("start kommer-forbi Fitness North") }
    - { CMD("status") }: where we are and what comes next
    - { CMD("answers") }: see your answers
    - { CMD("back") }: go back one question
    - { CMD("skip") }: skip an optional question
    - { CMD("edit <no.> [new answer]") }: change an earlier answer
    - { CMD("projects") } and { CMD("switch <no.>") }: list and switch between this channel's projects
    - { CMD("rename <new name>") }: rename the project
    - { CMD("export") }: download the logbook (Markdown and CSV)
    - { CMD("finish") }: finish the project
    - { CMD("delete") }: delete the project and all its answers
busy = The project is busy right now. Please try again in a moment.
unknown-command = I don't know that command: “{ $command }”.
no-project = There is no project in this channel yet. Start one with { CMD("start <guide>") }.
unknown-guide = There is no guide called “{ $guide }”.
start-needs-guide = Say which guide to start, e.g. { CMD("start kommer-forbi") }.
guides-header = The guides:
guides-start = Start a guide:
name-too-long = The name is too long (at most { $limit } characters).
started = Project **{ $project }** (#{ $number }) has started with the guide { $guide }.
unknown-project = There is no project “{ $project }” in this channel.
switched = Switched to project **{ $project }**.
rename-needs-name = Type the new name, e.g. { CMD("rename Fitness North") }.
renamed = Project “{ $old }” is now called **{ $project }**.
delete-confirm = Delete project **{ $project }** with all its answers and reminders? This cannot be undone.
delete-yes = Yes, delete it
delete-no = No, keep it
deleted = Project **{ $project }** has been deleted with all its answers and reminders.
edit-which = Which answer do you want to change? Type { CMD("edit <no.>") } with the number from the list.
moved-on = The question “{ $question }” was already answered by someone else, and the project has moved on. Your answer is kept in the history. Here is where you are now:
moved-on-not-kept = The question “{ $question }” was already answered by someone else, and the project has moved on. Your answer was not kept: { $reason }
finished = You have been through the whole guide, and project **{ $project }** is finished. Well done! Get the logbook with { CMD("export") }.
finished-early = Project **{ $project }** is finished before the end of the guide. The answers are saved; get the logbook with { CMD("export") }.
projects-header = Projects in this channel:
project-line = #{ $number } { $project } ({ $guide }, { $status })
project-line-current = #{ $number } { $project } ({ $guide }, { $status }) ← current
project-finished = finished
project-active = in progress
projects-switch-hint = Switch with { CMD("switch <no. or name>") }.
project-done = Project **{ $project }** is finished. See the answers with { CMD("answers") } or get the logbook with { CMD("export") }.
yes = Yes
no = No
nothing-ticked = nothing ticked yet
answers-none = There are no answers in **{ $project }** yet.
answers-header = Answers in **{ $project }**:
answers-off-path = Earlier answers from another branch (kept, but not on your current path):
answers-edit-hint = Change an answer with { CMD("edit <no.>") }. The numbers are the questions' fixed numbers in the guide.
edited = Changed, question { $number }: “{ $question }”
    - before: { $old }
    - now: { $new }
edited-unanswered = not answered
edited-branch-left = The change takes another way through the guide. These answers now belong to the way you left (they are kept but no longer count):
nudge-scheduled = ⏰ Reminder set for { $when }: { $message }
debrief-opened = 🗣 Time for the debriefing! Talk it through in the thread here, ideally right away:
debrief-opened-chat = 🗣 Time for the debriefing! Talk it through here in the chat, ideally right away:
command-or-answer = Did you mean the command { $command }? Otherwise I save the text as the answer to “{ $question }”.
command-or-answer-run = Yes, run the command
command-or-answer-keep = No, save it as the answer

rejected-finished = The project is finished. Start a new one with { CMD("start <guide>") }.
rejected-at-start = You are at the first question; there is nothing to go back to.
rejected-nothing-to-answer = There is no open question in this project.
rejected-not-reached = “{ $step }” is not on your current path yet.
rejected-unknown-step = The guide has no step “{ $step }”.
rejected-moved-on = The question “{ $step }” is no longer the current one; now it is “{ $current }”.
rejected-required = This question must be answered before you can go on.

error-not-found = That project does not exist here.
error-bad-request = The request could not be read: { $reason }
error-unauthorized = Access needs the right access token.
error-host = The page was opened under a host name this server does not know. Open it at the address the server printed when it started.
error-cross-site = The request came from another web site and was refused.
error-content-type = The request must be sent as JSON (Content-Type: application/json).
error-charset = The request must be encoded as UTF-8.
error-too-large = The request is too large.
error-link-expired = The link has expired or is not valid. Type { CMD("export") } again for a new one.

progress = { $section } · question { $question } of { $questions }
terminal-welcome = Welcome to Outreach Coach in the terminal. Type { CMD("help") } for help, { CMD("guides") } for the guides and { CMD("quit") } to leave.
terminal-bye = Goodbye! Your answers are saved.
terminal-answered = ✓ { $by }: { $answer }
terminal-hint-text = type your answer
terminal-hint-single_choice = type the number of your choice
terminal-hint-multi_choice = type the numbers or the words, e.g. 1 3 or 1, 3 and 5
terminal-hint-checklist = type the numbers of what applies, e.g. 1 3, or “none”
terminal-hint-confirm = type 1 or 2 – or the word
terminal-hint-date = type a date, e.g. 24.12.2026
terminal-hint-dates = type one or more dates, e.g. 15.1.2027, 12.2.2027 and 10.3.2027
terminal-hint-list = one item per line, or separated by commas on one line; finish with an empty line
terminal-hint-skip = optional: { CMD("skip") } skips it
terminal-default-user = Terminal user
terminal-list-dropped = { $count ->
        [one] The item you were typing was not saved.
       *[other] The { $count } items you were typing were not saved.
    }
