# The Slack app's own words (the rest of the coach's words are shared with every channel).

slack-invite-me = I am not in this channel yet, so I answer here. Invite me with /invite @Outreach Coach so reminders and debrief threads can reach you.
slack-logbook-title = Logbook: { $project }
slack-logbook-comment = Here is the logbook for { $project }.
slack-project-gone = That project no longer exists in this channel.
slack-unexpected = I did not quite get that: the message from Slack looked different from what I expected. Try again, or type { CMD("status") } to see where you are.
