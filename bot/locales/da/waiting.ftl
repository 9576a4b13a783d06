## Steps that wait for the world, projects that pause, and timings that are only our suggestion

done = Gjort
not-yet = Ikke endnu
action-waiting = venter
waiting-ask-again = ⏳ Så venter vi. Jeg spørger igen { $when }.
waiting-status = ⏳ I venter stadig på: _{ $question }_ (siden { $since }). Svar, når det er gjort.
nudge-suggested = (Tidspunktet er vores forslag – guiden nævner det ikke. I kan udsætte eller stoppe påmindelsen.)
project-paused = ⏸ Projektet **{ $project }** holder pause. Kom tilbage, når det, der mangler, er på plads – så tager vi tråden op igen med { CMD("genoptag") }.
paused-resume = Genoptag projektet
rejected-paused = Projektet holder pause. Skriv { CMD("genoptag") }, når I er klar til at fortsætte.
rejected-not-paused = Projektet holder ikke pause – se { CMD("status") }.
