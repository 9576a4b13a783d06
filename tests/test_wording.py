"""The coach's own words exist in Danish and English, message for message."""

from __future__ import annotations

from bot import i18n
from bot.i18n import Messages, message_keys


def test_every_message_is_in_both_languages() -> None:
    danish, english = message_keys("da"), message_keys("en")
    assert len(danish) > 50
    assert danish == english, {"only da": danish - english, "only en": english - danish}


def test_an_unknown_language_falls_back_to_danish() -> None:
    assert Messages("fr").text("yes") == "Ja"
    assert Messages("en").text("yes") == "Yes"


# --- remembered sentences --------------------------------------------------------------------


def test_a_remembered_sentence_is_worded_afresh_for_other_values_and_languages() -> None:
    t = Messages("da")
    assert t.text("progress", section="Trin 1", question=3, questions=12) == "Trin 1 · spørgsmål 3 af 12"
    assert t.text("progress", section="Trin 1", question=4, questions=12) == "Trin 1 · spørgsmål 4 af 12"
    assert t.text("progress", section="Trin 1", question=3, questions=12) == "Trin 1 · spørgsmål 3 af 12"
    assert Messages("en").text("progress", section="Step 1", question=3, questions=12) == "Step 1 · question 3 of 12"


def test_an_answer_longer_than_fluent_takes_is_quoted_back_whole() -> None:
    """Fluent refuses a value longer than 2,500 characters; a team's answer may be longer."""
    answer = ("Unge mænd, der træner om aftenen. " * 120).strip()
    shown = Messages("da").text("slack-answered", question="Hvem er målgruppen?", answer=answer)
    assert answer in shown and "Hvem er målgruppen?" in shown


def test_a_sentence_quoting_a_long_answer_is_not_kept() -> None:
    t = Messages("da")
    before = i18n._formatted.cache_info().currsize
    long_answer = "Vi mødte centerlederen og talte om lektiecaféen. " * 60
    assert long_answer.strip() in t.text("slack-current", answer=long_answer)
    assert i18n._formatted.cache_info().currsize == before
