"""The coach sends its Teams messages as JSON it builds itself (msrest's serializer walked
every key of a card and took a third of a turn): that JSON must be what botbuilder's own
serializer makes, for every kind of message the coach sends."""

from __future__ import annotations

import copy

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.channels.teams import cards
from bot.channels.teams.connectors import wire
from bot.channels.teams.speaker import activity
from bot.i18n import Messages
from bot.replies import Choice, ProgressReply, QuestionReply, TextReply, TipReply
from bot.richtext import parse_markup
from tests.teams_fake import fixture

QUESTION = QuestionReply(
    project_id=3,
    step="relation",
    kind="single_choice",
    text="Hvilken relation har I til vedkommende?",
    help="Tænk på, hvordan I kender personen.",
    choices=[Choice("close", "Vi har en nær personlig relation"), Choice("acquainted", "En god bekendt")],
)
REPLIES = [
    ProgressReply(
        project_id=3,
        project="Fitness Nord",
        guide="Biblioteket kommer forbi",
        section="Step 1",
        question=6,
        questions=24,
    ),
    QUESTION,
    TipReply(parse_markup("**Husk!** Ring før I skriver.")),
]


def sent_as_botbuilder_sends_it(replies: list) -> Activity:
    """A reply as it leaves TurnContext: addressed to the conversation it answers."""
    incoming = Activity().deserialize(fixture("channel_mention", serviceUrl="http://127.0.0.1:1/emea/"))
    reference = TurnContext.get_conversation_reference(incoming)
    return TurnContext.apply_conversation_reference(
        copy.deepcopy(activity(cards.message(replies, Messages("da")))), reference
    )


def botbuilders_json(reply: Activity) -> dict:
    """What msrest makes of the reply, its card a plain dict (msrest writes a dict of a
    class of its own as a string, so the coach's cards never go through it)."""
    plain = copy.copy(reply)
    plain.attachments = [copy.copy(found) for found in reply.attachments]
    for found in plain.attachments:
        found.content = dict(found.content)
    return plain.serialize()


def test_a_question_card_goes_out_as_botbuilder_would_send_it() -> None:
    reply = sent_as_botbuilder_sends_it(REPLIES)
    assert wire(reply) == botbuilders_json(reply)
    assert wire(reply)["replyToId"] and wire(reply)["attachments"][0]["content"]["type"] == "AdaptiveCard"


def test_a_text_message_goes_out_as_botbuilder_would_send_it() -> None:
    reply = sent_as_botbuilder_sends_it([TextReply(parse_markup("Projektet **Fitness Nord** er startet."))])
    assert wire(reply) == botbuilders_json(reply)


def test_a_card_is_sent_as_made_and_not_copied_per_send() -> None:
    made = activity(cards.message(REPLIES, Messages("da")))
    copied = copy.deepcopy(made)
    assert copied is not made and copied.attachments[0].content is made.attachments[0].content
