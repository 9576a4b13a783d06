"""The browser chat end to end: Debian's Chromium drives the page the bot serves.

The real server runs in a subprocess (``web_server`` in conftest.py) with its own SQLite
data directory. The tests use the page the way a librarian would: type commands, click
choice buttons, fill forms, switch language and download the logbook. They answer
whatever question the page shows, by its ``data-kind``, so they follow the guide file
rather than a copy of its wording.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, Route, async_playwright, expect

from tests.conftest import start_server

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "bot" / "channels" / "web" / "static"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
GUIDE = "klubfaellesskaber"
PROJECT = "Læseklubben Nord"
MARKER = "Debatglade seniorer i Nordby"  # the first text answer; must come back in the logbook
DATE = "2026-12-24"
MAX_STEPS = 80  # a guide has far fewer; a loop that keeps going means the page is stuck


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_page(browser: Browser, url: str, name: str | None = "Mette") -> Page:
    """A fresh browser profile on ``url``; ``name`` pre-sets the display name (None: ask)."""
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    if name is not None:
        await context.add_init_script(
            f"try {{ window.localStorage.setItem('outreach-coach.name', {json.dumps(name)}); }} catch (e) {{}}"
        )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _JS_ERRORS[id(page)] = errors
    await page.goto(url)
    return page


_JS_ERRORS: dict[int, list[str]] = {}


def js_errors(page: Page) -> list[str]:
    """Uncaught errors in the page's JavaScript since it was opened."""
    return _JS_ERRORS[id(page)]


async def turns(page: Page) -> int:
    return int(await page.locator("#messages").get_attribute("data-turns") or 0)


async def wait_turn(page: Page, before: int) -> None:
    """Wait until the page has finished the turn that was sent after ``before`` turns."""
    await page.wait_for_function(
        "n => { const m = document.getElementById('messages');"
        " return m !== null && Number(m.dataset.turns) > n && m.dataset.busy === 'false'; }",
        arg=before,
        timeout=TIMEOUT_MS,
    )


async def send(page: Page, text: str) -> None:
    """Type into the composer and press Enter, as a person would."""
    before = await turns(page)
    await page.fill("#composer-input", text)
    await page.press("#composer-input", "Enter")
    await wait_turn(page, before)


async def errors_shown(page: Page) -> list[str]:
    return await page.locator("#messages .msg.bot.error").all_inner_texts()


async def active_question(page: Page) -> Locator | None:
    questions = page.locator("#messages .question[data-active='true']")
    count = await questions.count()
    assert count <= 1, "only the last question may stay active"
    return questions.first if count else None


class Answerer:
    """Answers the shown question by its kind, and remembers what it did."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.kinds: list[str] = []
        self.steps: list[str] = []
        self.skipped: list[str] = []
        self.checklists = 0
        self.typed_marker = False

    async def answer(self, question: Locator) -> None:
        kind = await question.get_attribute("data-kind")
        step = await question.get_attribute("data-step")
        required = await question.get_attribute("data-required") != "false"
        assert kind and step
        self.kinds.append(kind)
        self.steps.append(step)
        before = await turns(self.page)
        if not required and kind == "text" and self.typed_marker and not self.skipped:
            # One optional text question is skipped with its own button.
            await question.locator("button.skip-step").click()
            self.skipped.append(step)
        elif kind == "confirm":
            # "Yes" keeps to the guide's main road (no sends to the mapping tool first).
            await question.locator("button.choice[data-value='true']").click()
        elif kind == "single_choice":
            # The last option: in both walked guides it is the widest road (e.g. "both
            # physical and digital"), which passes through every kind of question.
            await question.locator("button.choice").last.click()
        elif kind in ("multi_choice", "checklist"):
            boxes = question.locator("input[type=checkbox]")
            if kind == "checklist":
                self.checklists += 1
            if kind == "multi_choice" or self.checklists == 1:
                await boxes.first.check()
                await boxes.last.check()
            # later checklists go in with nothing ticked, which a checklist allows
            await question.locator("button.submit-answer").click()
        elif kind == "text":
            answer = f"Svar på {step}: biblioteket og borgerne" if self.typed_marker else MARKER
            self.typed_marker = True
            await question.locator("textarea").fill(answer)
            await question.locator("button.submit-answer").click()
        elif kind == "list":
            minimum = int(await question.get_attribute("data-min-items") or 1)
            maximum = int(await question.get_attribute("data-max-items") or max(minimum, 2))
            count = max(minimum, min(2, maximum))
            await question.locator("textarea").fill("\n".join(f"Punkt {n} for {step}" for n in range(1, count + 1)))
            await question.locator("button.submit-answer").click()
        elif kind == "date":
            await question.locator("input[type=date]").fill(DATE)
            await question.locator("button.submit-answer").click()
        elif kind == "dates":
            # Several dates, typed the way a librarian writes them on one line.
            await question.locator("textarea").fill("24.12.2026 og 21.1.2027")
            await question.locator("button.submit-answer").click()
        else:
            raise AssertionError(f"the page showed a question of unknown kind {kind!r}")
        await wait_turn(self.page, before)
        shown = await errors_shown(self.page)
        assert not shown, f"answering {step} ({kind}) gave an error: {shown}"

    async def until(self, done: Callable[[Locator], Awaitable[bool]]) -> None:
        """Answer questions until ``done(question)`` holds or no question is left."""
        for _ in range(MAX_STEPS):
            question = await active_question(self.page)
            if question is None or await done(question):
                return
            await self.answer(question)
        raise AssertionError(f"still asking after {MAX_STEPS} answers: {self.steps}")


async def never(_question: Locator) -> bool:
    return False


# --- the whole guide -------------------------------------------------------------------------


async def test_full_guide_from_start_to_logbook(browser: Browser, web_server: str) -> None:
    page = await open_page(browser, f"{web_server}/?channel=browser-full", name=None)

    # First visit: the page asks for a display name once, then greets with the guides.
    dialog = page.locator("#name-dialog")
    await expect(dialog).to_be_visible()
    await page.fill("#name-input", "Mette Bibliotekar")
    await page.click("#name-save")
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#name-button")).to_contain_text("Mette Bibliotekar")
    await wait_turn(page, 0)
    await expect(page.locator(f"#messages button.action[data-value='start {GUIDE}']")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('outreach-coach.name')") == "Mette Bibliotekar"

    # A typed command starts the guide; the progress header names the project.
    await send(page, f"/start {GUIDE} {PROJECT}")
    await expect(page.locator("#messages .msg.user .bubble").last).to_have_text(f"/start {GUIDE} {PROJECT}")
    progress = page.locator("#progress")
    await expect(progress).to_be_visible()
    await expect(progress).to_contain_text(PROJECT)
    # The section as the document names it, and the question's place on the team's path.
    await expect(progress.locator("#progress-section")).to_have_text(re.compile(r"^(?!Afsnit )\S"))
    first_section = await progress.locator("#progress-section").inner_text()
    await expect(progress.locator("#progress-answered")).to_have_text(re.compile(r"^Spørgsmål 1 af \d+$"))
    first = await active_question(page)
    assert first is not None, "starting a guide shows its first question"
    await expect(page.locator("#composer-input")).to_have_value("")

    answerer = Answerer(page)
    await answerer.until(never)

    # The guide is finished: no question is open, and the coach says the project is done.
    assert await active_question(page) is None
    for kind in ("text", "multi_choice", "single_choice", "list", "date", "checklist"):
        assert kind in answerer.kinds, f"the walk never met a {kind} question: {answerer.kinds}"
    assert answerer.skipped, "the walk skipped no optional question"
    assert len(answerer.steps) >= 8
    last_bot = page.locator("#messages .msg.bot[data-type='text']").last
    await expect(last_bot).to_contain_text(PROJECT)
    # Older questions are all disabled: no enabled control is left in any of them.
    assert await page.locator("#messages .question :is(button, input, textarea):enabled").count() == 0
    # Clicked choices stay marked in the conversation.
    assert await page.locator("#messages .question button.choice.selected").count() >= 1
    # The progress bar moved past the first section.
    section = await progress.locator("#progress-section").inner_text()
    assert section != first_section, section

    # The export shortcut offers the logbook; the Markdown download holds what we typed.
    before = await turns(page)
    await page.click("#command-bar button[data-command='export']")
    await wait_turn(page, before)
    markdown_link = page.locator("#messages a.export-link[data-format='md']").last
    csv_link = page.locator("#messages a.export-link[data-format='csv']").last
    await expect(markdown_link).to_be_visible()
    await expect(csv_link).to_have_attribute("href", re.compile(r"^api/exports/[^/?]+\.csv$"))
    async with page.expect_download() as download_info:
        await markdown_link.click()
    download = await download_info.value
    markdown = Path(await download.path()).read_text(encoding="utf-8")
    assert MARKER in markdown
    assert PROJECT in markdown
    async with page.expect_download() as csv_info:
        await csv_link.click()
    csv_text = Path(await (await csv_info.value).path()).read_text(encoding="utf-8-sig")
    assert MARKER in csv_text

    assert not await errors_shown(page)
    assert not js_errors(page), js_errors(page)


# --- language ------------------------------------------------------------------------------


def test_ui_strings_have_the_same_keys_in_both_languages() -> None:
    strings = json.loads((STATIC / "ui-strings.json").read_text(encoding="utf-8"))
    assert set(strings) == {"da", "en"}
    assert set(strings["da"]) == set(strings["en"])
    assert all(value.strip() for lang in strings.values() for value in lang.values())


async def test_english_switch_changes_the_page_and_the_coach(browser: Browser, web_server: str) -> None:
    page = await open_page(browser, f"{web_server}/?channel=browser-lang")
    await wait_turn(page, 0)
    help_button = page.locator("#command-bar button[data-command='help']")
    await expect(help_button).to_have_text("Hjælp")
    await expect(page.locator("#composer-send")).to_have_text("Send")
    await expect(page.locator("#name-button")).to_have_text("Navn: Mette")
    assert await page.evaluate("document.documentElement.lang") == "da"

    await page.select_option("#lang", "en")
    await expect(help_button).to_have_text("Help")
    await expect(page.locator("#command-bar button[data-command='back']")).to_have_text("Back")
    await expect(page.locator("#name-button")).to_have_text("Name: Mette")
    await expect(page.locator("#composer-input")).to_have_attribute("placeholder", re.compile("^Write your answer"))
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert (await page.title()).endswith("step by step")

    # The coach answers in English too, and a started guide asks its questions in English.
    await send(page, f"/start {GUIDE}")
    await expect(page.locator("#progress-answered")).to_have_text(re.compile(r"^Question 1 of \d+$"))
    question = await active_question(page)
    assert question is not None
    await expect(question.locator(".question-text")).to_contain_text("Which group of people")
    await expect(question.locator("button.submit-answer")).to_have_text("Submit answer")
    await expect(question.locator(".counter")).to_have_text("0 / 4,000 characters")

    # The choice is remembered for the next visit.
    await page.reload()
    await expect(page.locator("#command-bar button[data-command='help']")).to_have_text("Help")
    assert await page.locator("#lang").input_value() == "en"
    assert not js_errors(page), js_errors(page)


# --- refused answers -----------------------------------------------------------------------------


async def test_overlong_answer_is_refused_and_asked_again(browser: Browser, web_server: str) -> None:
    page = await open_page(browser, f"{web_server}/?channel=browser-long")
    await wait_turn(page, 0)
    await send(page, f"/start {GUIDE} Lang tekst")

    async def is_text(question: Locator) -> bool:
        return await question.get_attribute("data-kind") == "text"

    await Answerer(page).until(is_text)
    question = await active_question(page)
    assert question is not None, "the guide has a text question"
    step = await question.get_attribute("data-step")
    too_long = "x" * 4001

    # In the answer form the page itself says so, and sends nothing.
    before = await turns(page)
    await question.locator("textarea").fill(too_long)
    await expect(question.locator(".counter")).to_have_class(re.compile(r"\bover\b"))
    await question.locator("button.submit-answer").click()
    await expect(question.locator(".field-error")).to_be_visible()
    await expect(question.locator(".field-error")).to_contain_text("4.000")
    assert await turns(page) == before
    assert await question.get_attribute("data-active") == "true"

    # Typed into the chat box it goes to the coach, which refuses it and asks again.
    messages_before = await page.locator("#messages > li").count()
    await send(page, too_long)
    fresh = page.locator("#messages > li").nth(messages_before)
    await expect(fresh).to_have_class(re.compile(r"\bmsg user\b"))
    refusal = page.locator("#messages > li").nth(messages_before + 1)
    await expect(refusal).to_have_class(re.compile(r"\bmsg bot\b"))
    await expect(refusal).to_contain_text(re.compile(r"4[.,]?000"))
    await expect(refusal).to_have_class(re.compile(r"\b(rejected|error)\b"))
    asked_again = await active_question(page)
    assert asked_again is not None
    assert await asked_again.get_attribute("data-step") == step
    # The refused text is not lost: it stays in the chat box to be shortened.
    assert await page.locator("#composer-input").input_value() == too_long

    # A fitting answer then moves the guide on.
    await page.fill("#composer-input", "")
    await asked_again.locator("textarea").fill("En kort og god målgruppe")
    before = await turns(page)
    await asked_again.locator("button.submit-answer").click()
    await wait_turn(page, before)
    moved_on = await active_question(page)
    assert moved_on is not None and await moved_on.get_attribute("data-step") != step
    assert not js_errors(page), js_errors(page)


# --- access token ----------------------------------------------------------------------------

TOKEN = "browser-test-token-1234"


@pytest.fixture
def token_server(tmp_path: Path) -> Iterator[str]:
    """The real server with an access token, as when it is bound to a non-loopback address."""
    server = start_server(tmp_path / "data", env={"OUTREACH_COACH_ACCESS_TOKEN": TOKEN})
    try:
        yield server.url
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


async def authorise_page_files(page: Page, token: str) -> None:
    """Let the page itself load with ``token`` while it holds another one, as when the
    token was changed on the server after the page was opened.

    The API calls and downloads are left alone: they carry the token the page read from
    its address.
    """

    async def with_token(route: Route) -> None:
        headers = {**route.request.headers, "authorization": f"Bearer {token}"}
        url = re.sub(r"([?&])token=[^&]*&?", r"\1", route.request.url).rstrip("?&")
        await route.continue_(url=url, headers=headers)

    await page.route(re.compile(r"/(\?[^/]*)?$|/static/"), with_token)


async def test_access_token_goes_with_every_call_and_download(browser: Browser, token_server: str) -> None:
    page = await open_page(browser, "about:blank")
    await page.goto(f"{token_server}/?channel=browser-token&token={TOKEN}")
    await wait_turn(page, 0)
    assert not await errors_shown(page)
    await expect(page.locator(f"#messages button.action[data-value='start {GUIDE}']")).to_be_visible()
    # The token leaves the address bar (bookmarks, screenshots) and lives in sessionStorage.
    assert await page.evaluate("location.search") == "?channel=browser-token"
    assert await page.evaluate("sessionStorage.getItem('outreach-coach.token')") == TOKEN

    await send(page, f"/start {GUIDE} Med nøgle")
    question = await active_question(page)
    assert question is not None
    await question.locator("textarea").fill(MARKER)
    before = await turns(page)
    await question.locator("button.submit-answer").click()
    await wait_turn(page, before)
    await send(page, "/export")
    link = page.locator("#messages a.export-link[data-format='md']").last
    await expect(link).to_have_attribute("href", re.compile(r"^api/exports/[^/?]+\.md$"))
    assert TOKEN not in (await link.get_attribute("href") or ""), "the token never goes into a link"
    async with page.expect_download() as download_info:
        await link.click()
    assert MARKER in Path(await (await download_info.value).path()).read_text(encoding="utf-8")
    assert not await errors_shown(page)
    assert not js_errors(page), js_errors(page)


async def test_wrong_token_shows_a_clear_message_and_keeps_the_text(browser: Browser, token_server: str) -> None:
    page = await open_page(browser, "about:blank")
    await authorise_page_files(page, TOKEN)  # the page loads, but it holds a wrong token
    await page.goto(f"{token_server}/?channel=browser-badtoken&token=not-the-token")
    await wait_turn(page, 0)
    error = page.locator("#messages .msg.bot.error").last
    await expect(error).to_have_attribute("data-type", "error")
    await expect(error).to_contain_text("Adgang nægtet")
    await expect(error).to_contain_text("token")

    before = await turns(page)
    await page.fill("#composer-input", "Vores målgruppe er unge")
    await page.click("#composer-send")
    await wait_turn(page, before)
    assert await page.locator("#messages .msg.bot.error").count() == 2
    assert await page.locator("#composer-input").input_value() == "Vores målgruppe er unge"


async def test_network_failure_keeps_the_typed_text(browser: Browser, web_server: str) -> None:
    page = await open_page(browser, f"{web_server}/?channel=browser-offline")
    await wait_turn(page, 0)
    await page.route("**/api/turn", lambda route: route.abort("internetdisconnected"))
    before = await turns(page)
    await page.fill("#composer-input", "/status")
    await page.press("#composer-input", "Enter")
    await wait_turn(page, before)
    error = page.locator("#messages .msg.bot.error").last
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("forbindelse")
    assert await page.locator("#composer-input").input_value() == "/status"

    # Back online, the same text goes through.
    await page.unroute("**/api/turn")
    before = await turns(page)
    await page.click("#composer-send")
    await wait_turn(page, before)
    await expect(page.locator("#composer-input")).to_have_value("")
    assert await page.locator("#messages .msg.bot.error").count() == 1


# --- a room shared by several people ------------------------------------------------------------


async def test_the_room_sees_progress_but_not_what_is_meant_for_one_person(browser: Browser, web_server: str) -> None:
    mette = await open_page(browser, f"{web_server}/?channel=browser-room", name="Mette")
    ali = await open_page(browser, f"{web_server}/?channel=browser-room", name="Ali")
    await wait_turn(mette, 0)
    await wait_turn(ali, 0)
    for page in (mette, ali):
        await expect(page.locator("#messages")).to_have_attribute("data-listening", "true")

    # Ali asks for help: only Ali sees it.
    await send(ali, "/hjælp")
    await expect(ali.locator("#messages .msg.bot").last).to_contain_text("Kommandoer")
    # Mette starts a guide: Ali's page follows, with the question to answer.
    await send(mette, f"/start {GUIDE} Fælles rum")
    await expect(ali.locator("#messages .question[data-active='true']")).to_have_count(1)
    await expect(ali.locator("#progress")).to_contain_text("Fælles rum")
    # Ali answers; Mette's question shows Ali's answer in place, and the next question follows.
    question = await active_question(ali)
    assert question is not None
    first_step = await question.get_attribute("data-step")
    await Answerer(ali).answer(question)
    answered = mette.locator(f"#messages .question[data-step='{first_step}'] .answered-by")
    await expect(answered).to_contain_text("Ali:")
    await expect(mette.locator("#messages .question[data-active='true']")).not_to_have_attribute(
        "data-step", first_step or ""
    )
    assert await mette.get_by_text("Kommandoer").count() == 0, "help for Ali is not shown to Mette"
    assert not js_errors(mette) and not js_errors(ali)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Serves a page on another origin (another port), with Python's own HTTP server."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(html: str) -> str:
        (tmp_path / "attack.html").write_text(html, encoding="utf-8")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/attack.html"

    yield serve
    for server in servers:
        server.shutdown()


async def test_a_hostile_page_cannot_post_to_the_coach(
    browser: Browser, web_server: str, elsewhere: Callable[[str], str]
) -> None:
    """The classic cross-site form: text/plain, auto-submitted, from another origin."""
    page = await open_page(browser, f"{web_server}/?channel=browser-csrf")
    await wait_turn(page, 0)
    await send(page, f"/start {GUIDE} Må ikke slettes")
    name = '{"conversation": "browser-csrf", "user": "x", "command": "delete ja", "pad": "'
    attack = (
        f'<form id="f" method="POST" enctype="text/plain" action="{web_server}/chat/api/turn">'
        f"<input type=hidden name='{name}' value='\"}}'></form><script>f.submit()</script>"
    )
    other = await open_page(browser, elsewhere(attack))
    await other.wait_for_url(re.compile(r"/chat/api/turn$"))  # the form was sent, and refused
    assert "Må ikke slettes" not in await other.content()
    await send(page, "/projekter")
    await expect(page.locator("#messages .msg.bot").last).to_contain_text("Må ikke slettes")
