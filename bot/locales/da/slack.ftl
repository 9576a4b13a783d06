# Slack's own words (bot/channels/slack/): buttons, forms and App Home. Keep en/slack.ftl in
# step with this file. Button and form labels are short: Slack shows about 30 characters
# of a button and 24 of a form's title and buttons.

slack-answer = Svar
slack-save = Gem
slack-skip = Spring over
slack-cancel = Annuller
slack-continue = Fortsæt
slack-choose = Vælg et svar
slack-choose-several = Vælg et eller flere
slack-choice-label = Vælg, og tryk så Gem
slack-current = Jeres svar nu: { $answer }
slack-answered =
    ✅ **{ $question }**
    { $answer }
slack-answered-by = Besvaret af { $by }
slack-export = 📒 Logbogen for **{ $project }** er klar.
slack-cut-short = ✂️ Beskeden blev for lang til Slack, så resten er skåret fra. Det hele står i logbogen: { CMD("eksport") }.
slack-logbook = Hent logbogen

slack-modal-title = Outreach Coach
slack-hint-list = Skriv ét punkt pr. linje.
slack-hint-dates = Skriv én dato pr. linje, fx { $example }.
slack-date-placeholder = Vælg en dato

slack-home-header = Jeres outreach-projekter
slack-home-intro = Projekterne i de kanaler, du er med i.
slack-home-next = Næste spørgsmål: _{ $question }_
slack-home-finished = ✅ Projektet er afsluttet.
slack-home-reminder = ⏰ { $when }: { $about }
slack-home-empty = Der er ingen projekter i dine kanaler endnu. Start et i en kanal med { CMD("start <guide>") }; { CMD("guider") } viser guiderne.
slack-home-more = { $count ->
        [one] Et projekt mere er ikke vist her.
       *[other] { $count } projekter mere er ikke vist her.
    } Skriv { CMD("projekter") } i en kanal for at se dens projekter.
