"""The coach's replies posted to Slack: in the channel for the team, ephemeral for the
asker alone, the clicked message updated in place, the logbook uploaded as a file.

Consecutive replies for the same audience and thread go out as one message (progress,
question and tip together), so a turn posts as few messages as it can. A reply that
replaces the question a click came from updates that message (``chat.update``, or the
``response_url`` for an ephemeral one), so no live buttons are left behind.

A channel the bot has not been invited to refuses ``chat.postMessage``; the slash
command's ``response_url`` still reaches it, so the answer goes there, with a word on
inviting the bot (reminders need it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.channels.slack import blocks
from bot.channels.slack.adapter import PLATFORM
from bot.coach import Coach, UnknownProject
from bot.export import FORMATS
from bot.i18n import Messages
from bot.replies import ExportReply, Reply, TextReply

log = logging.getLogger(__name__)

NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


@dataclass(frozen=True)
class Where:
    """Where a turn's replies go. ``message_ts`` is the message a click came from (updated in
    place), ``ephemeral`` whether that message was the asker's alone; ``thread`` the thread
    the turn came from; ``response_url`` Slack's way back to the command or click."""

    team: str
    channel: str
    user: str
    lang: str
    thread: str | None = None
    message_ts: str | None = None
    ephemeral: bool = False
    response_url: str | None = None


class Speaker:
    def __init__(self, coach: Coach) -> None:
        self._coach = coach

    async def speak(self, client: AsyncWebClient, where: Where, replies: Sequence[Reply]) -> None:
        """Post ``replies``. Only a click has a message to update (``where.message_ts``): for a
        typed answer, "answered" and the next question go out as one message."""
        t = Messages(where.lang)
        to_update = where.message_ts is not None

        def run_of(reply: Reply) -> tuple[bool, str, str | None, bool]:
            return type(reply) is ExportReply, reply.audience, reply.thread, to_update and reply.replaces is not None

        for (export, audience, thread, replaces), run in groupby(replies, key=run_of):
            group = list(run)
            if export:
                for reply in group:
                    if isinstance(reply, ExportReply):
                        await self._upload(client, where, reply, t)
                continue
            thread = thread or where.thread
            message = blocks.message(group, t)
            if replaces and to_update:
                to_update = False  # one message was clicked: the first reply that replaces takes it
                await self._update(client, where, message)
            elif audience == "asker":
                await client.chat_postEphemeral(
                    channel=where.channel, user=where.user, thread_ts=thread, text=message.text, blocks=message.blocks
                )
            else:
                await self._post(client, where, thread, message, t)

    async def _update(self, client: AsyncWebClient, where: Where, message: blocks.SlackMessage) -> None:
        if where.ephemeral and where.response_url:
            await _webhook(where.response_url).send(text=message.text, blocks=message.blocks, replace_original=True)
        elif not where.ephemeral:
            await client.chat_update(
                channel=where.channel, ts=where.message_ts or "", text=message.text, blocks=message.blocks
            )

    async def _post(
        self, client: AsyncWebClient, where: Where, thread: str | None, message: blocks.SlackMessage, t: Messages
    ) -> None:
        try:
            await client.chat_postMessage(
                channel=where.channel, thread_ts=thread, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            if error.response.get("error") not in NOT_A_MEMBER or not where.response_url:
                raise
            hook = _webhook(where.response_url)
            await hook.send(text=message.text, blocks=message.blocks, response_type="in_channel")
            note = blocks.message([TextReply(t("slack-invite-me"))], t)
            await hook.send(text=note.text, blocks=note.blocks, response_type="ephemeral")

    async def _upload(self, client: AsyncWebClient, where: Where, reply: ExportReply, t: Messages) -> None:
        """The logbook as a Markdown file shared in the channel (the thread, if any)."""
        try:
            book = await self._coach.logbook(
                PLATFORM, where.team, reply.project_id, where.lang, conversation=where.channel
            )
        except UnknownProject:
            return
        export = FORMATS["md"]
        await client.files_upload_v2(
            channel=where.channel,
            thread_ts=where.thread,
            content=export.render(book, t),
            filename=f"logbook-{reply.project_id}.md",
            title=t.text("slack-logbook-title", project=reply.project),
            initial_comment=t.text("slack-logbook-comment", project=reply.project),
        )


def _webhook(url: str) -> AsyncWebhookClient:
    return AsyncWebhookClient(url)
