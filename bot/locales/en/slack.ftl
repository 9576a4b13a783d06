# Slack's own words (bot/channels/slack/): buttons, forms and App Home. Keep da/slack.ftl in
# step with this file. Button and form labels are short: Slack shows about 30 characters
# of a button and 24 of a form's title and buttons.

slack-answer = Answer
slack-save = Save
slack-skip = Skip
slack-cancel = Cancel
slack-continue = Continue
slack-choose = Choose an answer
slack-choose-several = Choose one or more
slack-choice-label = Choose, then press Save
slack-current = Your answer now: { $answer }
slack-answered =
    ✅ **{ $question }**
    { $answer }
slack-answered-by = Answered by { $by }
slack-export = 📒 The logbook for **{ $project }** is ready.
slack-cut-short = ✂️ This message was too long for Slack, so the rest is cut off. It is all in the logbook: { CMD("export") }.
slack-logbook = Get the logbook

slack-modal-title = Outreach Coach
slack-hint-list = Write one item per line.
slack-hint-dates = Write one date per line, e.g. { $example }.
slack-date-placeholder = Pick a date

slack-home-header = Your outreach projects
slack-home-intro = The projects in the channels you are in.
slack-home-next = Next question: _{ $question }_
slack-home-finished = ✅ The project is finished.
slack-home-reminder = ⏰ { $when }: { $about }
slack-home-empty = There are no projects in your channels yet. Start one in a channel with { CMD("start <guide>") }; { CMD("guides") } lists the guides.
slack-home-more = { $count ->
        [one] One more project is not shown here.
       *[other] { $count } more projects are not shown here.
    } Type { CMD("projects") } in a channel to see its projects.
