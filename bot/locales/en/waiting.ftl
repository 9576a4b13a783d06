## Steps that wait for the world, projects that pause, and timings that are only our suggestion

done = Done
not-yet = Not yet
action-waiting = waiting
waiting-ask-again = ⏳ Then we wait. I will ask again { $when }.
waiting-status = ⏳ You are still waiting for: _{ $question }_ (since { $since }). Answer when it is done.
nudge-suggested = (The timing is our suggestion – the guide does not name one. You can snooze or stop the reminder.)
project-paused = ⏸ The project **{ $project }** is paused. Come back when what is missing is in place – then we pick it up again with { CMD("resume") }.
paused-resume = Resume the project
rejected-paused = The project is paused. Write { CMD("resume") } when you are ready to go on.
rejected-not-paused = The project is not paused – see { CMD("status") }.
