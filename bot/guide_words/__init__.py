"""A guide in words: its timings and branches as a team or a consultant reads them.

- :mod:`bot.guide_words.timing`: durations, reminders, check-backs and conditions in
  plain Danish and English ("7 dage efter svaret", "5 dage før mødet (vores forslag)");
- :mod:`bot.guide_words.review`: the whole guide as plain text (``guides show``);
- :mod:`bot.guide_words.intro`: what the team hears when a project starts.
"""

from bot.guide_words.intro import intro
from bot.guide_words.review import review
from bot.guide_words.timing import GuideWords

__all__ = ["GuideWords", "intro", "review"]
