"""The coach's own words exist in Danish and English, message for message."""

from __future__ import annotations

from bot.i18n import Messages, message_keys


def test_every_message_is_in_both_languages() -> None:
    danish, english = message_keys("da"), message_keys("en")
    assert len(danish) > 50
    assert danish == english, {"only da": danish - english, "only en": english - danish}


def test_an_unknown_language_falls_back_to_danish() -> None:
    assert Messages("fr").text("yes") == "Ja"
    assert Messages("en").text("yes") == "Yes"
