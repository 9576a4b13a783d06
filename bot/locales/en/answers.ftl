# Answers as people type them (flows/answers.py): why one was refused.
# $shown says how the channel shows a question's choices: "numbers" (the terminal writes
# “1. Yes”) or "buttons" (browser, Slack, Teams). Name only the ways that work there.
# $pick is "one" or "several": how many options the question takes.

rejected-too-long = The answer is too long: { $length } characters, at most { $limit }. Shorten it and send it again; nothing was saved.
rejected-empty = The answer is empty. Type an answer, or skip with { CMD("skip") } if the question is optional.
rejected-not-text = Please answer with text.
rejected-not-yes-no = { $shown ->
        [numbers] Answer yes or no – or type 1 for yes, 2 for no.
       *[buttons] Answer yes or no – type it, or press one of the buttons.
    }
rejected-not-yet-is-no-answer = I cannot save “not yet” here: the question takes yes or no. If the answer is no for now, answer no – you can change it later with { CMD("edit <no.>") }.
rejected-not-done-or-not-yet = { $shown ->
        [numbers] Answer “done” or “not yet” – or type 1 for done, 2 for not yet.
       *[buttons] Answer “done” or “not yet” – type it, or press one of the buttons.
    }
rejected-unknown-option = “{ $answer }” is not one of the options. { $shown ->
        [numbers] { $pick ->
            [several] Type the numbers of the options (1–{ $count }), separated by commas or spaces – or a few words of each.
           *[one] Type the number of an option (1–{ $count }) or a few words of it.
        }
       *[buttons] { $pick ->
            [several] Tick what applies and send – or type a few words of each option, separated by commas.
           *[one] Press one of the buttons, or type a few words of the option.
        }
    }
rejected-ambiguous-option = “{ $answer }” fits more than one option: { $candidates }. { $shown ->
        [numbers] Type the number of the one you mean, or a little more of it.
       *[buttons] { $pick ->
            [several] Tick the one you mean, or type a little more of it.
           *[one] Press the button for the one you mean, or type a little more of it.
        }
    }
option-candidate = “{ $label }”
option-candidate-numbered = “{ $label }” ({ $number })
rejected-too-few-items = Write at least { $min } items – one per line or separated by commas (you have written { $count }).
rejected-too-many-items = Write at most { $max } items – one per line or separated by commas (you have written { $count }).
