# Teams' own words on the coach's cards (bot/channels/teams/cards.py). Keep en/teams.ftl in
# step with this file. Button labels are short: Teams shows a row of buttons side by side.

teams-card-answer = Svar
teams-card-save = Gem
teams-card-skip = Spring over
teams-card-choose = Vælg et svar
teams-card-required = Udfyld svaret, før I trykker.
teams-card-current = Jeres svar nu: { $answer }
teams-card-more-choices = Kortet viser de første { $shown } af { $count } valg. Et af de andre kan I skrive til mig som svar.
teams-card-placeholder-text = Skriv jeres svar her
teams-card-placeholder-list = Ét punkt pr. linje
teams-card-placeholder-dates = Én dato pr. linje, fx { $example }
teams-card-date = Dato
teams-card-time = Klokken (kan udelades)
teams-card-date-typed = I kan også skrive datoen til mig, fx { CMD("15.12") } eller { CMD("næste tirsdag") }.
teams-card-answered =
    ✅ **{ $question }**
    { $answer }
teams-card-answered-by = Besvaret af { $by }
teams-card-export = 📒 Logbogen for **{ $project }** er klar.
teams-card-cut-short = ✂️ Beskeden blev for lang til Teams, så resten er skåret fra. Det hele står i logbogen: { CMD("eksport") }.
teams-card-logbook = Hent logbogen

# The bot's own words in Teams (bot/channels/teams/activities.py).
teams-project-gone = Det projekt findes ikke længere i denne samtale.
teams-unexpected = Det forstod jeg ikke helt: beskeden fra Teams så anderledes ud, end jeg ventede. Prøv igen, eller skriv { CMD("status") } for at se, hvor I er.
