"""The coach reads and writes Teams' activities itself (msrest walked every key of a card
and took a third of a turn): what it reads must be what botbuilder's own deserializer
reads, for every real activity Teams sends, and what it writes what botbuilder's
serializer writes, for every kind of message the coach sends."""

from __future__ import annotations

import copy

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.channels.teams import cards
from bot.channels.teams.activity_json import NotAnActivity, read_activity, wire
from bot.channels.teams.speaker import activity
from bot.i18n import Messages
from bot.replies import Choice, ProgressReply, QuestionReply, TextReply, TipReply
from bot.richtext import parse_markup
from tests.teams_fake import fixture, fixture_names

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


def test_a_question_card_goes_out_as_botbuilder_would_send_it() -> None:
    reply = sent_as_botbuilder_sends_it(REPLIES)
    assert wire(reply) == reply.serialize()
    assert wire(reply)["replyToId"] and wire(reply)["attachments"][0]["content"]["type"] == "AdaptiveCard"


def test_a_text_message_goes_out_as_botbuilder_would_send_it() -> None:
    reply = sent_as_botbuilder_sends_it([TextReply(parse_markup("Projektet **Fitness Nord** er startet."))])
    assert wire(reply) == reply.serialize()


def test_a_message_is_copied_for_sending_without_copying_its_card() -> None:
    """botbuilder copies what it sends and addresses the copy: the message made stays as it
    was, and its card, which nobody changes, is not copied key by key."""
    made = activity(cards.message(REPLIES, Messages("da")))
    incoming = Activity().deserialize(fixture("channel_mention", serviceUrl="http://127.0.0.1:1/emea/"))
    sent = TurnContext.apply_conversation_reference(
        copy.deepcopy(made), TurnContext.get_conversation_reference(incoming)
    )
    assert sent.conversation is not None and made.conversation is None and made.reply_to_id is None
    assert sent.attachments[0].content is made.attachments[0].content


@pytest.mark.parametrize("name", fixture_names())
def test_a_real_activity_reads_as_botbuilder_reads_it(name: str) -> None:
    data = fixture(name, serviceUrl="https://smba.trafficmanager.net/emea/")
    ours, theirs = read_activity(data), Activity().deserialize(data)
    assert ours.serialize() == theirs.serialize()
    assert [vars(entity) for entity in ours.entities or []] == [vars(entity) for entity in theirs.entities or []]
    assert ours.channel_data == theirs.channel_data and ours.value == theirs.value


@pytest.mark.parametrize(
    "data",
    [
        {"type": "message", "from": "not an account"},
        {"type": "message", "conversation": ["a"]},
        {"type": "message", "entities": {"type": "mention"}},
        {"type": "message", "timestamp": "yesterday"},
        {"type": "message", "membersAdded": [7]},
    ],
)
def test_an_activity_of_the_wrong_shape_is_refused_as_botbuilder_refuses_it(data: dict) -> None:
    with pytest.raises(NotAnActivity):
        read_activity(data)
    with pytest.raises(DeserializationError):
        Activity().deserialize(data)


def test_an_object_where_text_belongs_is_refused_though_msrest_would_write_it_out() -> None:
    with pytest.raises(NotAnActivity):
        read_activity({"type": "message", "text": {"rich": True}})
