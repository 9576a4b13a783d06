# Answers as people type them (flows/answers.py): why one was refused.
# $shown says how the channel shows a question's choices: "numbers" (the terminal writes
# “1. Ja”) or "buttons" (browser, Slack, Teams). Name only the ways that work there.
# $pick is "one" or "several": how many options the question takes.

rejected-too-long = Svaret er for langt: { $length } tegn, højst { $limit }. Forkort det og send det igen; intet er gemt.
rejected-empty = Svaret er tomt. Skriv et svar, eller spring over med { CMD("spring") }, hvis spørgsmålet er valgfrit.
rejected-not-text = Svar med tekst.
rejected-not-yes-no = { $shown ->
        [numbers] Svar ja eller nej – eller skriv 1 for ja, 2 for nej.
       *[buttons] Svar ja eller nej – skriv det, eller tryk på en af knapperne.
    }
rejected-not-yet-is-no-answer = “Ikke endnu” kan jeg ikke gemme her: spørgsmålet skal besvares med ja eller nej. Er svaret nej for nu, så svar nej – I kan rette det senere med { CMD("ret <nr>") }.
rejected-not-done-or-not-yet = { $shown ->
        [numbers] Svar “gjort” eller “ikke endnu” – eller skriv 1 for gjort, 2 for ikke endnu.
       *[buttons] Svar “gjort” eller “ikke endnu” – skriv det, eller tryk på en af knapperne.
    }
rejected-unknown-option = “{ $answer }” er ikke en af mulighederne. { $shown ->
        [numbers] { $pick ->
            [several] Skriv numrene (1–{ $count }) med komma eller mellemrum imellem – eller et par ord fra hvert svar.
           *[one] Skriv nummeret (1–{ $count }) eller et par ord fra svaret.
        }
       *[buttons] { $pick ->
            [several] Sæt kryds ved det, der passer, og send – eller skriv et par ord fra hvert svar med komma imellem.
           *[one] Tryk på en af knapperne, eller skriv et par ord fra svaret.
        }
    }
rejected-ambiguous-option = “{ $answer }” passer på flere af mulighederne: { $candidates }. { $shown ->
        [numbers] Skriv nummeret på det, I mener, eller lidt mere af svaret.
       *[buttons] { $pick ->
            [several] Sæt kryds ved det, I mener, eller skriv lidt mere af svaret.
           *[one] Tryk på knappen for det, I mener, eller skriv lidt mere af svaret.
        }
    }
option-candidate = “{ $label }”
option-candidate-numbered = “{ $label }” ({ $number })
rejected-too-few-items = Skriv mindst { $min } punkter – ét pr. linje eller med komma imellem (I har skrevet { $count }).
rejected-too-many-items = Skriv højst { $max } punkter – ét pr. linje eller med komma imellem (I har skrevet { $count }).
