# Teams' own words on the coach's cards (bot/channels/teams/cards.py). Keep da/teams.ftl in
# step with this file. Button labels are short: Teams shows a row of buttons side by side.

teams-card-answer = Answer
teams-card-save = Save
teams-card-skip = Skip
teams-card-choose = Choose an answer
teams-card-required = Fill in the answer before you press.
teams-card-current = Your answer now: { $answer }
teams-card-more-choices = The card shows the first { $shown } of { $count } choices. You can write one of the others to me as your answer.
teams-card-placeholder-text = Write your answer here
teams-card-placeholder-list = One item per line
teams-card-placeholder-dates = One date per line, e.g. { $example }
teams-card-date = Date
teams-card-time = Time (optional)
teams-card-date-typed = You can also write the date to me, e.g. { CMD("15.12") } or { CMD("next Tuesday") }.
teams-card-answered =
    ✅ **{ $question }**
    { $answer }
teams-card-answered-by = Answered by { $by }
teams-card-export = 📒 The logbook for **{ $project }** is ready.
teams-card-cut-short = ✂️ This message was too long for Teams, so the rest is cut off. It is all in the logbook: { CMD("export") }.
teams-card-logbook = Get the logbook

# The bot's own words in Teams (bot/channels/teams/activities.py).
teams-project-gone = That project no longer exists in this conversation.
teams-unexpected = I did not quite get that: the message from Teams looked different from what I expected. Try again, or type { CMD("status") } to see where you are.
