"""A kommer-forbi project lived over weeks in the browser: the clock moves, reminders
arrive in the open page, the debrief is a thread two people write in, and the logbook
comes out as Markdown, a Danish-Excel CSV and a calendar.

The chat runs in the test's process with the real coach on SQLite and the real outbox
deliverer; ``run_due`` at a later time is what ``outreach-coach reminders run-due --now``
does, so weeks pass in seconds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from icalendar import Calendar
from playwright.async_api import Browser, Locator, Page, expect

from bot.channels.web.app import chat_app
from bot.channels.web.channel import WEB_CHANNEL
from bot.channels.web.guard import HostPolicy
from bot.coach import Coach
from bot.config import RemindersConfig
from bot.reminder_job import make_deliverer
from bot.worker import Deliverer
from flows.model import Guide
from storage.db import Database
from tests import test_web_browser as chromium
from tests.conftest import Clock, free_port
from tests.test_web_browser import js_errors, open_page, send, turns, wait_turn

pytestmark = pytest.mark.browser
browser = chromium.browser
ROOM = "fitness-nord"


@dataclass
class Weeks:
    url: str
    clock: Clock
    deliverer: Deliverer

    async def later(self, when: datetime) -> None:
        """Let time pass to ``when`` and deliver what has fallen due, as run-due does."""
        self.clock.now = when
        await self.deliverer.run_due(when)


@pytest.fixture
async def weeks(tmp_path: Path, guides: dict[str, Guide]) -> AsyncIterator[Weeks]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
    await db.upgrade()
    clock = Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 30 November, 09:00 in Copenhagen
    port = free_port()
    root = web.Application()
    chat = chat_app(Coach(db, guides, clock=clock), "", HostPolicy("127.0.0.1", port))
    root.add_subapp("/chat", chat)
    deliverer = make_deliverer(db, {"web": chat[WEB_CHANNEL]}, RemindersConfig(), clock=lambda: clock.now)
    runner = web.AppRunner(root, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield Weeks(f"http://127.0.0.1:{port}/chat/?channel={ROOM}", clock, deliverer)
    finally:
        await deliverer.close()
        await runner.cleanup()
        await db.dispose()


def delivered(page: Page, text: str) -> Locator:
    """The last message the coach posted on its own that holds ``text``."""
    return page.locator("#messages li[data-message-id]").filter(has_text=text).last


async def say(page: Page, *answers: str) -> None:
    for answer in answers:
        await send(page, answer)


async def test_kommer_forbi_over_three_weeks_in_the_browser(browser: Browser, weeks: Weeks) -> None:
    mette = await open_page(browser, weeks.url, name="Mette")
    ali = await open_page(browser, weeks.url, name="Ali")
    for page in (mette, ali):
        await wait_turn(page, 0)
        await expect(page.locator("#messages")).to_have_attribute("data-listening", "true")

    # Monday: start, and "not yet" on the call the guide asks for.
    await say(mette, "/start kommer-forbi Fitness Nord", "ja", "Unge mænd, der træner", "ja", "Fitnesscenter Nord")
    await say(mette, "Centerleder Jens", "2", "Kære Jens, vi vil gerne besøge jer")
    await send(mette, "ikke endnu")
    await expect(mette.locator("#messages")).to_contain_text("Så venter vi. Jeg spørger igen tors. 3. dec. 2026 09.00.")

    # Thursday: the check-back arrives in both open pages; Mette clicks that the call is made.
    await weeks.later(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
    for page in (mette, ali):
        await expect(delivered(page, "Påmindelse: Fitness Nord")).to_be_visible()
    before = await turns(mette)
    await delivered(mette, "Gjort").get_by_role("button", name="Gjort").click()
    await wait_turn(mette, before)
    await expect(mette.locator("#messages .question[data-active='true']")).to_have_attribute(
        "data-step", "acq_mail_sent"
    )
    await send(mette, "ja")  # the mail is sent: follow up no later than a week after it
    await expect(mette.locator("#messages")).to_contain_text("Påmindelse sat til tors. 10. dec. 2026 09.00")

    # A week later the follow-up reminder arrives, with its buttons.
    await weeks.later(datetime(2026, 12, 10, 8, 0, tzinfo=UTC))
    follow_up = delivered(ali, "Der er gået en uge, siden I sendte mailen")
    await expect(follow_up).to_be_visible()
    await expect(delivered(ali, "Udsæt en uge").get_by_role("button", name="Udsæt en uge")).to_be_visible()

    # The meeting is agreed and prepared, and the visit is made.
    await say(mette, "ja", "17.12 kl. 10", "Lære de unge at kende", "ja")
    await mette.fill("#composer-input", "Hvem er de?\nHvad læser de?\nHvor mødes de?")
    await mette.press("#composer-input", "Enter")
    await expect(mette.locator("#messages .question[data-active='true']")).to_have_attribute("data-step", "agenda_sent")
    await say(mette, "ja", "ja", "Lektiecafé og e-bøger")
    await mette.fill("#composer-input", "Mette\nAli")
    await mette.press("#composer-input", "Enter")
    await expect(mette.locator("#messages .question[data-active='true']")).to_have_attribute(
        "data-step", "visit_questions"
    )
    await say(mette, "alle", "alle")
    await weeks.later(datetime(2026, 12, 17, 11, 30, tzinfo=UTC))  # right after the visit
    await send(mette, "ja")
    await expect(mette.locator("#messages")).to_contain_text("Jeg åbner en tråd")

    # The debrief is posted once, as a thread; Mette and Ali each write in it.
    await weeks.later(weeks.clock.now + timedelta(seconds=5))
    opener = delivered(ali, "Tid til debriefing")
    await expect(opener).to_be_visible()
    thread = await opener.get_attribute("data-message-id")
    for page, note in ((mette, "De unge vil have lektiehjælp om aftenen"), (ali, "Jens vil gerne have en stand")):
        await delivered(page, "Tid til debriefing").locator(".thread-open").click()
        panel = page.locator(f"#messages li.thread[data-thread='{thread}']")
        await panel.locator("textarea.thread-input").fill(note)
        await panel.locator("textarea.thread-input").press("Enter")
        await expect(panel.locator(".thread-messages")).to_contain_text("Gemt i logbogen")

    # Finishing the debrief posts the summary and asks for tasks; a task reminds its owner.
    before = await turns(mette)
    await delivered(mette, "Tid til debriefing").get_by_role("button", name="Afslut debriefingen").click()
    await wait_turn(mette, before)
    summary = mette.locator("#messages .msg.bot").filter(has_text="Debriefing for Fitness Nord").last
    await expect(summary).to_contain_text("Mette: De unge vil have lektiehjælp om aftenen")
    await expect(summary).to_contain_text("Ali: Jens vil gerne have en stand")
    await send(mette, "/opgave Send tak-mail til Jens – Ali – fredag")
    await expect(mette.locator("#messages")).to_contain_text("Send tak-mail til Jens – Ali – fredag 18. december 2026")
    await weeks.later(datetime(2026, 12, 18, 8, 0, tzinfo=UTC))
    await expect(delivered(ali, "Opgave fra Fitness Nord")).to_contain_text("Send tak-mail til Jens")
    await expect(ali.locator("#messages .delivered-label .bubble").last).to_have_text("Coachen skriver til Ali")

    # The logbook, three ways.
    before = await turns(mette)
    await send(mette, "/eksport")
    links = {fmt: mette.locator(f"#messages a.export-link[data-format='{fmt}']").last for fmt in ("md", "csv", "ics")}
    files = {}
    for fmt, link in links.items():
        async with mette.expect_download() as download:
            await link.click()
        files[fmt] = Path(await (await download.value).path()).read_bytes()

    markdown = files["md"].decode("utf-8")
    assert "Fitness Nord" in markdown and "De unge vil have lektiehjælp om aftenen" in markdown
    assert "Jens vil gerne have en stand" in markdown and "Send tak-mail til Jens" in markdown
    assert "UTC" not in markdown

    assert files["csv"].startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) > 3, "semicolons separate the columns, as Danish Excel expects"
    assert any("Jens vil gerne have en stand" in cell for row in rows for cell in row)
    assert any(re.fullmatch(r"2026-12-17 12:3\d", cell) for row in rows for cell in row), "local times"

    calendar = Calendar.from_ical(files["ics"])
    events = {str(event.get("summary")): event for event in calendar.walk("VEVENT")}
    meeting = next(
        event for summary, event in events.items() if "Fitness Nord" in summary and "møde" in summary.lower()
    )
    start = meeting.decoded("dtstart")
    assert (start.year, start.month, start.day, start.hour) == (2026, 12, 17, 10)
    assert not js_errors(mette) and not js_errors(ali), (js_errors(mette), js_errors(ali))
