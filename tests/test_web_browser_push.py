"""What the coach posts on its own, reloads and debrief threads, in Debian's Chromium.

The chat runs in the test's own process (the real coach on a SQLite file, the chat
sub-app on a loopback port), so a test can deliver through the same
:class:`WebChannel` the outbox worker is handed and watch the open pages.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, Request, expect

from bot.channels.web.app import chat_app
from bot.channels.web.channel import WEB_CHANNEL, WebChannel
from bot.channels.web.guard import HostPolicy
from bot.coach import Coach, Outcome
from bot.delivery import Sent, Target
from bot.replies import Action, ActionsReply, ProgressReply, TextReply, Turn
from bot.richtext import Rich
from flows.model import Guide
from storage.db import Database
from tests import test_web_browser as chromium
from tests.conftest import free_port
from tests.test_web_browser import active_question, js_errors, open_page, send, turns, wait_turn

pytestmark = pytest.mark.browser
browser = chromium.browser  # the same headless Chromium as the other browser tests


@dataclass
class ThreadCoach:
    """The real coach, except that a reply in a thread is noted the way the coach will
    note a debrief reply: it answers in that thread. Keeps the turns it was handed."""

    coach: Coach
    turns: list[Turn] = field(default_factory=list)

    async def handle(self, turn: Turn) -> Outcome:
        self.turns.append(turn)
        if turn.thread is None:
            return await self.coach.handle(turn)
        noted = "Slettet" if turn.change == "deleted" else f"Noteret: {turn.text}"
        return Outcome([TextReply(Rich.text(noted), thread=turn.thread)])

    async def progress(self, platform: str, workspace: str, conversation: str, lang: str) -> ProgressReply | None:
        """The page's header asks the real coach."""
        return await self.coach.progress(platform, workspace, conversation, lang)


@dataclass
class Live:
    url: str
    channel: WebChannel
    coach: ThreadCoach

    def room(self, name: str) -> str:
        return f"{self.url}/chat/?channel={name}"

    async def deliver(self, room: str, text: str, thread: str | None = None) -> str:
        result = await self.channel.deliver(Target(room, None, thread=thread), [TextReply(Rich.text(text))])
        assert isinstance(result, Sent) and result.message_id
        return result.message_id


@pytest.fixture
async def live(tmp_path: Path, guides: dict[str, Guide]) -> AsyncIterator[Live]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
    await db.upgrade()
    port = free_port()
    coach = ThreadCoach(Coach(db, guides))
    root = web.Application()
    sub = chat_app(coach, "", HostPolicy("127.0.0.1", port))  # type: ignore[arg-type]
    root.add_subapp("/chat", sub)
    runner = web.AppRunner(root, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield Live(f"http://127.0.0.1:{port}", sub[WEB_CHANNEL], coach)
    finally:
        await runner.cleanup()
        await db.dispose()


async def listening(page: Page) -> None:
    await expect(page.locator("#messages")).to_have_attribute("data-listening", "true")


async def test_a_delivered_message_appears_in_every_open_page_at_once(browser: Browser, live: Live) -> None:
    mette = await open_page(browser, live.room("push-now"), name="Mette")
    ali = await open_page(browser, live.room("push-now"), name="Ali")
    for page in (mette, ali):
        await wait_turn(page, 0)
        await listening(page)
    before = await turns(mette)

    await live.channel.deliver(
        Target("push-now", None, recipient="web:Ali"),
        [ActionsReply(Rich.text("Husk at booke lokalet i dag"), [Action("Udført", command="status")])],
    )
    for page in (mette, ali):
        message = page.locator("#messages .msg.bot[data-type='actions']").filter(has_text="Husk at booke lokalet")
        await expect(message).to_be_visible()
        await expect(message.locator("button.action")).to_have_text("Udført")
        await expect(page.locator("#messages .delivered-label .bubble").last).to_have_text("Coachen skriver til Ali")
    assert await turns(mette) == before, "it came by the stream, with no turn and no reload"
    assert await mette.evaluate("performance.getEntriesByType('navigation').length") == 1
    await live.deliver("another-room", "Ikke til jer")
    await live.deliver("push-now", "Og en til")
    await expect(mette.locator("#messages")).to_contain_text("Og en til")
    await expect(mette.get_by_text("Ikke til jer")).to_have_count(0)
    # Any message the coach posted can be answered in a thread of its own.
    await mette.locator("#messages .thread-open").last.click()
    await expect(mette.locator("#messages li.thread .thread-title")).to_have_text("Tråd")
    await expect(mette.locator("#messages li.thread textarea.thread-input")).to_be_focused()
    assert not js_errors(mette) and not js_errors(ali)


async def test_a_reloaded_page_shows_the_conversation_and_welcomes_back_with_the_question(
    browser: Browser, live: Live
) -> None:
    page = await open_page(browser, live.room("push-reload"))
    await wait_turn(page, 0)
    await expect(page.locator("#messages .msg.welcome")).to_have_count(0)  # a fresh room: today's welcome
    await send(page, "/start kommer-forbi Fitness Nord")
    question = await active_question(page)
    assert question is not None
    await question.locator("button.choice[data-value='true']").click()
    await expect(page.locator("#messages .question[data-active='true'][data-kind='text']")).to_have_count(1)
    step = await page.locator("#messages .question[data-active='true']").get_attribute("data-step")
    await live.deliver("push-reload", "Hvordan går det med målgruppen?")
    await expect(page.get_by_text("Hvordan går det med målgruppen?")).to_be_visible()

    await page.reload()
    await wait_turn(page, 0)
    messages = page.locator("#messages")
    assert int(await messages.get_attribute("data-history") or 0) >= 3
    await expect(messages.locator(".msg.remote .bubble").first).to_have_text("Mette, tidligere i rummet")
    await expect(messages).to_contain_text("Hvordan går det med målgruppen?")
    # The earlier question shows who answered it, and is not open any more.
    answered = messages.locator(".question[data-step='target_group_chosen']").first
    await expect(answered.locator(".answered-by")).to_contain_text("Mette:")
    # Then the welcome back, followed by the question the team is at.
    welcome = messages.locator(".msg.welcome .bubble")
    await expect(welcome).to_have_text("Velkommen tilbage! Her er, hvor I er nået til:")
    current = messages.locator(".question[data-active='true']")
    await expect(current).to_have_count(1)
    await expect(current).to_have_attribute("data-step", step or "")
    assert await welcome.evaluate("(w, q) => !!(w.compareDocumentPosition(q) & 4)", await current.element_handle())
    await expect(page.locator("#progress")).to_contain_text("Fitness Nord")
    assert not js_errors(page), js_errors(page)


async def test_a_debrief_thread_opens_a_panel_and_replies_in_it_go_to_the_coach_with_the_thread(
    browser: Browser, live: Live
) -> None:
    mette = await open_page(browser, live.room("push-thread"), name="Mette")
    ali = await open_page(browser, live.room("push-thread"), name="Ali")
    for page in (mette, ali):
        await wait_turn(page, 0)
        await listening(page)

    opener = await live.deliver("push-thread", "Debrief: Hvordan gik arrangementet?")
    await live.deliver("push-thread", "Skriv jeres svar her i tråden", thread=opener)
    panel = mette.locator(f"#messages li.thread[data-thread='{opener}']")
    await expect(panel.locator(".thread-title")).to_have_text("Tråd")
    await expect(panel.locator(".thread-messages")).to_contain_text("Skriv jeres svar her i tråden")
    # The panel hangs under the message that opened the thread.
    opened = mette.locator(f"#messages li[data-message-id='{opener}']")
    await expect(opened).to_contain_text("Debrief: Hvordan gik arrangementet?")
    assert await opened.evaluate("(li, panel) => li.nextElementSibling === panel", await panel.element_handle())
    # A delivery straight into the thread adds no message of its own to the conversation.
    assert await mette.locator("#messages .delivered-label").count() == 1
    assert await mette.locator("#messages .thread-open").count() == 1

    # Typing in the panel sends a turn with the thread and a fresh message id.
    async with mette.expect_request(lambda r: r.url.endswith("/api/turn") and r.method == "POST") as sent:
        await panel.locator("textarea.thread-input").fill("Det gik godt, 14 kom")
        await panel.locator("textarea.thread-input").press("Enter")
    body = (await sent.value).post_data_json
    assert body["thread"] == opener and body["text"] == "Det gik godt, 14 kom"
    message_id = body["message_id"]
    assert message_id and body.get("change", "new") == "new"
    mine = panel.locator(f".thread-message[data-message-id='{message_id}']")
    await expect(mine).to_contain_text("Det gik godt, 14 kom")
    await expect(panel.locator(".thread-messages")).to_contain_text("Noteret: Det gik godt, 14 kom")
    await expect(panel.locator("textarea.thread-input")).to_have_value("")
    assert live.coach.turns[-1].thread == opener

    # Ali's page shows what Mette wrote in the thread, without edit buttons.
    theirs = ali.locator(f"#messages li.thread[data-thread='{opener}'] .thread-message[data-message-id='{message_id}']")
    await expect(theirs).to_contain_text("Mette")
    await expect(theirs).to_contain_text("Det gik godt, 14 kom")
    await expect(theirs.locator("button")).to_have_count(0)

    # Mette edits her reply: the same message id, the new text.
    async with mette.expect_request(lambda r: r.url.endswith("/api/turn")) as edited:
        await mine.locator("button.thread-edit").click()
        await expect(panel.locator("textarea.thread-input")).to_have_value("Det gik godt, 14 kom")
        await panel.locator("textarea.thread-input").fill("Det gik godt, 15 kom")
        await panel.locator("button.thread-send").click()
    assert _change(await edited.value) == {"change": "edited", "message_id": message_id, "text": "Det gik godt, 15 kom"}
    await expect(mine.locator(".thread-text")).to_have_text("Det gik godt, 15 kom")
    await expect(mine).to_contain_text("(rettet)")
    await expect(theirs.locator(".thread-text")).to_have_text("Det gik godt, 15 kom")

    # A reload keeps the thread, and her own reply can still be changed.
    await mette.reload()
    await wait_turn(mette, 0)
    mine = panel.locator(f".thread-message[data-message-id='{message_id}']")
    await expect(mine.locator(".thread-text")).to_have_text("Det gik godt, 15 kom")

    # And deleted: the same message id, no text; it leaves both pages.
    async with mette.expect_request(lambda r: r.url.endswith("/api/turn")) as deleted:
        await mine.locator("button.thread-delete").click()
    assert _change(await deleted.value) == {"change": "deleted", "message_id": message_id, "text": None}
    await expect(mine).to_have_count(0)
    await expect(theirs).to_have_count(0)
    assert not js_errors(mette) and not js_errors(ali)


def _change(request: Request) -> dict[str, object]:
    body = json.loads(request.post_data or "{}")
    return {"change": body.get("change"), "message_id": body.get("message_id"), "text": body.get("text")}
