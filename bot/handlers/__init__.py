"""The coach's commands, by area; importing this package registers them all.

``guide`` moves a team through its guide (start, answers, back, edit ...), ``reminders``
lists the team's reminders and acts on them (done, snooze, stop), ``journal`` keeps the
logbook: free entries, debrief threads and the follow-up tasks agreed in them.
"""

from bot.handlers import journal, reminders
from bot.handlers.guide import click, run_command, say

__all__ = ["click", "journal", "reminders", "run_command", "say"]
