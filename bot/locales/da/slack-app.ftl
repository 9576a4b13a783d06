# The Slack app's own words (the rest of the coach's words are shared with every channel).

slack-invite-me = Jeg er ikke med i denne kanal endnu, så jeg svarer her. Inviter mig med /invite @Outreach Coach, så påmindelser og debriefing-tråde kan nå jer.
slack-logbook-title = Logbog: { $project }
slack-logbook-comment = Her er logbogen for { $project }.
slack-project-gone = Det projekt findes ikke længere i denne kanal.
slack-unexpected = Det forstod jeg ikke helt: beskeden fra Slack så anderledes ud, end jeg ventede. Prøv igen, eller skriv { CMD("status") } for at se, hvor I er.
