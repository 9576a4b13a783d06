# The coach's own words in Danish (the default). Keep en.ftl in step with this file.
# Markup (bot/richtext.py): **fed**, _kursiv_, linjer der starter med "- " er en liste,
# en tom linje skiller afsnit, og { CMD("start <guide>") } er en kommando, som hver kanal
# viser på sin egen måde (/start i browseren, /outreach start i Slack).

help-short = Skriv { CMD("hjælp") } for at se, hvad jeg kan.
help =
    Jeg er **Outreach Coach** og guider jeres team gennem en opsøgende guide, trin for trin. Svar på spørgsmålet ved at skrive eller trykke på en knap. Kommandoer:
    - { CMD("guider") }: se guiderne
    - { CMD("start <guide> [navn]") }: start et projekt, fx { CMD("start kommer-forbi Fitnesscenter Nord") }
    - { CMD("status") }: hvor er vi, og hvad er næste spørgsmål
    - { CMD("svar") }: se jeres svar
    - { CMD("tilbage") }: gå et spørgsmål tilbage
    - { CMD("spring") }: spring et valgfrit spørgsmål over
    - { CMD("ret <nr> [nyt svar]") }: ret et tidligere svar
    - { CMD("projekter") } og { CMD("skift <nr>") }: se og skift mellem kanalens projekter
    - { CMD("omdøb <nyt navn>") }: omdøb projektet
    - { CMD("eksport") }: hent logbogen (Markdown og CSV)
    - { CMD("afslut") }: afslut projektet
    - { CMD("slet") }: slet projektet og alle dets svar
busy = Der var travlt i projektet lige nu. Prøv igen om et øjeblik.
unknown-command = Den kommando kender jeg ikke: “{ $command }”.
no-project = Der er intet projekt i denne kanal endnu. Start et med { CMD("start <guide>") }.
unknown-guide = Guiden “{ $guide }” findes ikke.
start-needs-guide = Skriv hvilken guide I vil starte, fx { CMD("start kommer-forbi") }.
guides-header = Guiderne:
guides-start = Start en guide:
name-too-long = Navnet er for langt (højst { $limit } tegn).
started = Projektet **{ $project }** (#{ $number }) er startet med guiden { $guide }.
unknown-project = Projektet “{ $project }” findes ikke i denne kanal.
switched = Skiftet til projektet **{ $project }**.
rename-needs-name = Skriv det nye navn, fx { CMD("omdøb Fitnesscenter Nord") }.
renamed = Projektet “{ $old }” hedder nu **{ $project }**.
delete-confirm = Vil I slette projektet **{ $project }** med alle svar og påmindelser? Det kan ikke fortrydes.
delete-yes = Ja, slet det
delete-no = Nej, behold det
deleted = Projektet **{ $project }** er slettet med alle svar og påmindelser.
edit-which = Hvilket svar vil I rette? Skriv { CMD("ret <nr>") } med nummeret fra listen.
moved-on = Spørgsmålet “{ $question }” er allerede besvaret af en anden, og projektet er gået videre. Jeres svar er gemt i historikken. Her er, hvor I er nu:
moved-on-not-kept = Spørgsmålet “{ $question }” er allerede besvaret af en anden, og projektet er gået videre. Jeres svar blev ikke gemt: { $reason }
finished = I er kommet hele guiden igennem, og projektet **{ $project }** er afsluttet. Godt arbejde! Hent logbogen med { CMD("eksport") }.
finished-early = Projektet **{ $project }** er afsluttet, før guiden var gennemgået. Svarene er gemt; hent logbogen med { CMD("eksport") }.
projects-header = Projekter i denne kanal:
project-line = #{ $number } { $project } ({ $guide }, { $status })
project-line-current = #{ $number } { $project } ({ $guide }, { $status }) ← aktuelt
project-finished = afsluttet
project-active = i gang
projects-switch-hint = Skift med { CMD("skift <nr eller navn>") }.
project-done = Projektet **{ $project }** er afsluttet. Se svarene med { CMD("svar") } eller hent logbogen med { CMD("eksport") }.
yes = Ja
no = Nej
nothing-ticked = intet krydset af endnu
answers-none = Der er ingen svar i **{ $project }** endnu.
answers-header = Svar i **{ $project }**:
answers-off-path = Tidligere svar fra en anden gren (gemt, men ikke på jeres nuværende vej):
answers-edit-hint = Ret et svar med { CMD("ret <nr>") }. Numrene er spørgsmålenes faste numre i guiden.
edited = Rettet, spørgsmål { $number }: “{ $question }”
    - før: { $old }
    - nu: { $new }
edited-unanswered = ikke besvaret
edited-branch-left = Rettelsen fører ad en anden vej i guiden. Disse svar hører nu til den vej, I har forladt (de er gemt, men tæller ikke med):
nudge-scheduled = ⏰ Påmindelse sat til { $when }: { $message }
debrief-opened = 🗣 Tid til debriefing! Tag snakken i tråden her, gerne lige med det samme:
debrief-opened-chat = 🗣 Tid til debriefing! Tag snakken her i chatten, gerne lige med det samme:
command-or-answer = Mente I kommandoen { $command }? Ellers gemmer jeg teksten som svar på “{ $question }”.
command-or-answer-run = Ja, kør kommandoen
command-or-answer-keep = Nej, gem det som svar

rejected-finished = Projektet er afsluttet. Start et nyt med { CMD("start <guide>") }.
rejected-at-start = I er ved første spørgsmål; der er ikke noget at gå tilbage til.
rejected-nothing-to-answer = Der er ikke noget åbent spørgsmål i projektet.
rejected-not-reached = I er ikke nået til “{ $step }” på jeres nuværende vej.
rejected-unknown-step = Trinnet “{ $step }” findes ikke i guiden.
rejected-moved-on = Spørgsmålet “{ $step }” er ikke længere det aktuelle; nu er det “{ $current }”.
rejected-required = Det spørgsmål skal besvares, før I kan gå videre.

error-not-found = Det projekt findes ikke her.
error-bad-request = Forespørgslen kunne ikke læses: { $reason }
error-unauthorized = Adgang kræver den rigtige adgangsnøgle.
error-host = Siden blev hentet under et værtsnavn, som serveren ikke kender. Åbn den via den adresse, serveren viste ved start.
error-cross-site = Forespørgslen kom fra en anden hjemmeside og blev afvist.
error-content-type = Forespørgslen skal sendes som JSON (Content-Type: application/json).
error-charset = Forespørgslen skal være kodet som UTF-8.
error-too-large = Forespørgslen er for stor.
error-link-expired = Linket er udløbet eller ugyldigt. Skriv { CMD("eksport") } igen for et nyt.

progress = { $section } · spørgsmål { $question } af { $questions }
terminal-welcome = Velkommen til Outreach Coach i terminalen. Skriv { CMD("hjælp") } for hjælp, { CMD("guider") } for guiderne og { CMD("quit") } for at slutte.
terminal-bye = Farvel! Jeres svar er gemt.
terminal-answered = ✓ { $by }: { $answer }
terminal-hint-text = skriv jeres svar
terminal-hint-single_choice = skriv nummeret på jeres valg
terminal-hint-multi_choice = skriv numrene eller ordene, fx 1 3 eller 1, 3 og 5
terminal-hint-checklist = skriv numrene på det, der passer, fx 1 3, eller “ingen”
terminal-hint-confirm = skriv 1 eller 2 – eller ordet
terminal-hint-date = skriv en dato, fx 24.12.2026
terminal-hint-dates = skriv en eller flere datoer, fx 15.1.2027, 12.2.2027 og 10.3.2027
terminal-hint-list = ét punkt pr. linje, eller adskilt af komma på én linje; afslut med en tom linje
terminal-hint-skip = valgfrit: { CMD("spring") } springer over
terminal-default-user = Terminal-bruger
terminal-list-dropped = { $count ->
        [one] Punktet, I var i gang med, er ikke gemt.
       *[other] De { $count } punkter, I var i gang med, er ikke gemt.
    }
