"""The browser chat as a library team meets it (issue 12, "Browser chat"), in Chromium.

Each test is one thing a librarian sees on the page: the header names the project they
are working in, also after ``skift`` and ``slet``, in one language; a question of another
project says so and cannot be answered; the page stays put while the chat scrolls; a
guide's button asks what to call the project; an answer typed in the chat shows on the
question's buttons; a tip carries one label; the page says what a room (the coach's
"kanal") is. Guide titles are read from the loaded guides, so the tests follow the guide
files rather than a copy of their wording.
"""

from __future__ import annotations

import re

import aiohttp
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from flows.model import Guide
from tests import test_web_browser as chromium
from tests.test_web_browser import (
    Answerer,
    active_question,
    errors_shown,
    js_errors,
    open_page,
    send,
    turns,
    wait_turn,
)

pytestmark = pytest.mark.browser
browser = chromium.browser

VISIT = "kommer-forbi"
CLUB = "klubfaellesskaber"


async def open_room(browser: Browser, server: str, room: str, name: str = "Mette") -> Page:
    page = await open_page(browser, f"{server}/?channel={room}", name=name)
    await wait_turn(page, 0)
    await expect(page.locator("#messages")).to_have_attribute("data-listening", "true")
    return page


def title(guides: dict[str, Guide], guide: str, lang: str) -> str:
    return guides[guide].title.get(lang)


async def current_project_id(page: Page) -> str:
    project_id = await page.locator("#progress").get_attribute("data-project-id")
    assert project_id, "the header names a project"
    return project_id


def questions_of(page: Page, project_id: str) -> Locator:
    return page.locator(f"#messages .question[data-project-id='{project_id}']")


async def click_and_wait(page: Page, target: Locator) -> None:
    before = await turns(page)
    await target.click()
    await wait_turn(page, before)


# --- the header -------------------------------------------------------------------------------


async def test_the_header_names_the_project_the_team_is_in_after_switch_and_delete(
    browser: Browser, web_server: str, guides: dict[str, Guide]
) -> None:
    page = await open_room(browser, web_server, "conv-header")
    project, guide = page.locator("#progress-project"), page.locator("#progress-guide")
    await send(page, f"/start {VISIT} Alpha")
    await send(page, f"/start {CLUB} Beta")
    await expect(project).to_contain_text("Beta")
    await expect(guide).to_have_text(f"Guide: {title(guides, CLUB, 'da')}")

    # Beta is finished; switching away and back shows each project, even where no question is asked.
    await send(page, "/afslut")
    await send(page, "/skift Alpha")
    await expect(project).to_contain_text("Alpha")
    await expect(guide).to_have_text(f"Guide: {title(guides, VISIT, 'da')}")
    await send(page, "/skift Beta")
    await expect(page.locator("#messages .msg.bot").last).to_contain_text("Beta")
    await expect(project).to_contain_text("Beta")
    await expect(guide).to_have_text(f"Guide: {title(guides, CLUB, 'da')}")

    # Deleting Beta: the header moves to Alpha, and the page says that Alpha is current now.
    await send(page, "/slet")
    await click_and_wait(page, page.locator("#messages button.action.danger").last)
    await expect(page.locator("#messages .msg.bot").filter(has_text="er slettet")).to_have_count(1)
    await expect(project).to_contain_text("Alpha")
    note = page.locator("#messages .focus-note").last
    await expect(note).to_contain_text("Nu arbejder I i projektet Alpha")
    # Its button shows where Alpha stands: Alpha's question, ready to answer.
    await click_and_wait(page, note.get_by_role("button", name="Vis, hvor vi er"))
    question = await active_question(page)
    assert question is not None
    assert await question.get_attribute("data-project-id") == await current_project_id(page)

    # Deleting the last project leaves no project to name.
    await send(page, "/slet ja")
    await expect(page.locator("#progress")).to_be_hidden()
    assert not await errors_shown(page)
    assert not js_errors(page), js_errors(page)


async def test_the_header_speaks_the_page_language_only(
    browser: Browser, web_server: str, guides: dict[str, Guide]
) -> None:
    page = await open_room(browser, web_server, "conv-lang")
    await send(page, f"/start {VISIT} Alpha")
    first_section = guides[VISIT].sections[0].title
    header = page.locator("#progress")
    await expect(page.locator("#progress-section")).to_have_text(first_section.get("da"))
    await expect(page.locator("#progress-answered")).to_have_text(re.compile(r"^Spørgsmål 1 af \d+$"))

    await page.select_option("#lang", "en")
    await expect(page.locator("#progress-guide")).to_have_text(f"Guide: {title(guides, VISIT, 'en')}")
    await expect(page.locator("#progress-section")).to_have_text(first_section.get("en"))
    await expect(page.locator("#progress-answered")).to_have_text(re.compile(r"^Question 1 of \d+$"))
    header_text = await header.inner_text()
    assert title(guides, VISIT, "da") not in header_text and first_section.get("da") not in header_text
    bar_text = await page.locator("#progress-bar").get_attribute("aria-valuetext")
    assert bar_text is not None and bar_text.startswith(f"{first_section.get('en')} · Question 1 of ")
    # The bar at the top too: room, name and language are all in English.
    await expect(page.locator(".app-header")).to_contain_text("Room: conv-lang")
    await expect(page.locator(".app-header")).to_contain_text("Name: Mette")

    await page.select_option("#lang", "da")
    await expect(page.locator("#progress-guide")).to_have_text(f"Guide: {title(guides, VISIT, 'da')}")
    await expect(page.locator("#progress-answered")).to_have_text(re.compile(r"^Spørgsmål 1 af \d+$"))
    assert not js_errors(page), js_errors(page)


# --- questions of another project ---------------------------------------------------------------


async def test_a_question_of_another_project_says_whose_it_is_and_cannot_be_answered(
    browser: Browser, web_server: str
) -> None:
    mette = await open_room(browser, web_server, "conv-other", "Mette")
    ali = await open_room(browser, web_server, "conv-other", "Ali")
    await send(mette, f"/start {VISIT} Alpha")
    alpha = await current_project_id(mette)
    await send(mette, f"/start {CLUB} Beta")
    beta = await current_project_id(mette)

    # Alpha's first question is still on both pages: greyed, naming its project, its buttons off.
    for page in (mette, ali):
        old = questions_of(page, alpha).first
        await expect(old.locator(".question-owner")).to_have_text(
            "Hører til projektet Alpha – ikke til det projekt, I arbejder i nu."
        )
        await expect(old).to_have_class(re.compile(r"\bother-project\b"))
        for button in await old.locator("button.choice").all():
            await expect(button).to_be_disabled()

    # A click on it goes nowhere: nothing is sent and the team stays in Beta.
    before = await turns(mette)
    await questions_of(mette, alpha).first.locator("button.choice").first.click(force=True)
    await mette.wait_for_timeout(300)
    assert await turns(mette) == before
    assert await current_project_id(mette) == beta
    await expect(questions_of(mette, alpha).first.locator(".answered-by")).to_have_count(0)

    # Switching back: Alpha's question is asked anew, and now Beta's is the other project's.
    await send(ali, "/skift Alpha")
    for page in (mette, ali):
        await expect(page.locator("#progress-project")).to_contain_text("Alpha")
        await expect(questions_of(page, beta).first.locator(".question-owner")).to_contain_text("projektet Beta")
        await expect(questions_of(page, alpha).last).to_have_attribute("data-active", "true")
        await expect(questions_of(page, alpha).last.locator(".question-owner")).to_have_count(0)

    # A typed answer goes to the question of the project in the header, where everyone sees it.
    step = await questions_of(ali, alpha).last.get_attribute("data-step")
    await send(mette, "ja")
    answered = ali.locator(f"#messages .question[data-project-id='{alpha}'][data-step='{step}']").last
    answered = answered.locator(".answered-by")
    await expect(answered).to_have_text("Mette: Ja")
    await expect(questions_of(ali, beta).locator(".answered-by")).to_have_count(0)
    assert not js_errors(mette) and not js_errors(ali), (js_errors(mette), js_errors(ali))


# --- the page stays in place ---------------------------------------------------------------------


async def test_the_page_stays_put_while_the_chat_scrolls(browser: Browser, web_server: str) -> None:
    page = await open_room(browser, web_server, "conv-scroll")
    await page.set_viewport_size({"width": 900, "height": 600})
    await send(page, f"/start {CLUB} Lang samtale")
    for _ in range(3):
        await send(page, "/hjælp")

    sizes = await page.evaluate(
        "() => { const chat = document.getElementById('chat');"
        " return {page: document.scrollingElement.scrollHeight, view: window.innerHeight,"
        " chat: chat.scrollHeight, chatView: chat.clientHeight}; }"
    )
    assert sizes["chat"] > sizes["chatView"], "the conversation is long enough to scroll"
    assert sizes["page"] <= sizes["view"], f"the page itself scrolls: {sizes}"
    await page.mouse.move(450, 300)
    await page.mouse.wheel(0, 5000)
    await page.evaluate("window.scrollTo(0, 5000)")
    assert await page.evaluate("window.scrollY") == 0
    header = await page.locator(".app-header").bounding_box()
    composer = await page.locator("#composer-input").bounding_box()
    assert header is not None and header["y"] == 0, "the header stays at the top"
    assert composer is not None and composer["y"] + composer["height"] <= 600, "the composer stays in view"

    # A screen reader still hears who says what.
    bot_labels = await page.locator("#messages > li.msg.bot > .visually-hidden").all_inner_texts()
    user_labels = await page.locator("#messages > li.msg.user > .visually-hidden").all_inner_texts()
    assert bot_labels and set(bot_labels) == {"Coach:"}
    assert user_labels and set(user_labels) == {"Dig:"}
    await expect(page.locator("#messages")).to_have_attribute("aria-live", "polite")
    assert not js_errors(page), js_errors(page)


# --- starting from a guide's button --------------------------------------------------------------


async def test_a_guide_button_asks_for_the_project_name_first(
    browser: Browser, web_server: str, guides: dict[str, Guide]
) -> None:
    page = await open_room(browser, web_server, "conv-start")
    start = page.locator(f"#messages button.action[data-value='start {CLUB}']")
    before = await turns(page)
    await start.click()
    field = page.get_by_label(re.compile("Hvad skal jeres projekt med"))
    await expect(field).to_be_focused()
    # The suggested name is the guide's own name, without the card number in brackets.
    suggested = await field.input_value()
    assert suggested and "(" not in suggested and title(guides, CLUB, "da").startswith(suggested)
    assert await turns(page) == before, "nothing is started before the team has named the project"

    # Cancelling takes the field away and starts nothing.
    await page.get_by_role("button", name="Annuller").click()
    await expect(field).to_have_count(0)
    assert await turns(page) == before

    # Named and sent with Enter: the project starts under that name.
    await start.click()
    await field.fill("Læseklubben Syd")
    await field.press("Enter")
    await wait_turn(page, before)
    await expect(page.locator("#progress-project")).to_contain_text("Læseklubben Syd")
    await expect(page.locator("#messages .msg.user .bubble").last).to_have_text(
        f"Start {title(guides, CLUB, 'da')}: Læseklubben Syd"
    )
    await expect(start).to_have_class(re.compile(r"\bselected\b"))
    for button in await page.locator("#messages .action-buttons button.action").all():
        await expect(button).to_be_disabled()
    assert await active_question(page) is not None

    # A name left empty falls back to the suggestion.
    await send(page, "/guider")
    again = page.locator(f"#messages button.action[data-value='start {VISIT}']").last
    await again.click()
    field = page.get_by_label(re.compile("Hvad skal jeres projekt med"))
    await field.fill("  ")
    before = await turns(page)
    await page.get_by_role("button", name="Start projektet").click()
    await wait_turn(page, before)
    await expect(page.locator("#progress-project")).to_contain_text(title(guides, VISIT, "da"))
    assert not js_errors(page), js_errors(page)


# --- typed answers show on the buttons -------------------------------------------------------------


async def test_an_answer_typed_in_the_chat_shows_on_the_question_as_a_click_would(
    browser: Browser, web_server: str
) -> None:
    mette = await open_room(browser, web_server, "conv-typed", "Mette")
    ali = await open_room(browser, web_server, "conv-typed", "Ali")

    # Clicked "Ja" in one project, typed "ja" in the other: both questions look the same.
    await send(mette, f"/start {VISIT} Klik")
    clicked = questions_of(mette, await current_project_id(mette)).first
    await click_and_wait(mette, clicked.locator("button.choice", has_text="Ja"))
    await send(mette, f"/start {VISIT} Skrevet")
    typed_project = await current_project_id(mette)
    await send(mette, "ja")
    for page in (mette, ali):
        typed = questions_of(page, typed_project).first
        await expect(typed.locator("button.choice", has_text="Ja")).to_have_class(re.compile(r"\bselected\b"))
        await expect(typed.locator("button.choice", has_text="Nej")).not_to_have_class(re.compile(r"\bselected\b"))
        await expect(typed.locator("button.choice", has_text="Nej")).to_be_disabled()
    assert await clicked.locator("button.choice.selected").all_inner_texts() == ["Ja"]
    assert await questions_of(mette, typed_project).first.locator("button.choice.selected").all_inner_texts() == ["Ja"]

    # Typed numbers tick the boxes of a question with several choices.
    await send(mette, f"/start {CLUB} Flere valg")

    async def is_multi(question: Locator) -> bool:
        return await question.get_attribute("data-kind") == "multi_choice"

    await Answerer(mette).until(is_multi)
    question = await active_question(mette)
    assert question is not None, "the club guide asks a question with several choices"
    step = await question.get_attribute("data-step")
    await send(mette, "1, 3")
    for page in (mette, ali):
        boxes = page.locator(f"#messages .question[data-step='{step}']").last.locator("input[type=checkbox]")
        ticked = [await box.is_checked() for box in await boxes.all()]
        assert ticked[:3] == [True, False, True] and not any(ticked[3:]), ticked
        for box in await boxes.all():
            await expect(box).to_be_disabled()
    assert not js_errors(mette) and not js_errors(ali), (js_errors(mette), js_errors(ali))


# --- tips -----------------------------------------------------------------------------------------


async def test_a_tip_has_one_label(browser: Browser, web_server: str) -> None:
    """The guides write "Tip! …" and "Husk! …" themselves; the page shows that word as the
    label, and "Tip" only above a tip that has no word of its own."""
    page = await open_room(browser, web_server, "conv-tips")
    await send(page, "/start samskabelse Tips")  # its first phase opens with a "Husk!" and a "Tip!"
    await send(page, "/start partnerskaber Flere tips")
    tips = page.locator("#messages .msg.tip .bubble")
    assert await tips.count() >= 3, "the guides open with tips"
    labels = []
    for tip in await tips.all():
        label = (await tip.locator(".msg-label").inner_text()).strip()
        words = (await tip.locator(".msg-text").first.inner_text()).strip()
        labels.append(label.lower())
        # "TIP" above "Tip! …" (or "HUSK" above "Husk! …") says the same twice.
        assert not re.match(rf"{re.escape(label)}\s*[!:]", words, re.IGNORECASE), (label, words)
        assert not re.match(r"(Tip|Husk)!", words), (label, words)
    assert "tip" in labels
    assert "husk" in labels, "a tip that opens with “Husk!” is labelled with it"
    assert not js_errors(page), js_errors(page)


# --- the room -------------------------------------------------------------------------------------


async def test_the_page_says_once_what_a_room_is_and_that_the_coach_calls_it_a_channel(
    browser: Browser, web_server: str
) -> None:
    page = await open_room(browser, web_server, "bogcafeen")
    await expect(page.locator("#room")).to_have_text("Rum: bogcafeen")
    explained = page.locator("#messages .room-note")
    await expect(explained).to_have_count(1)
    await expect(explained).to_contain_text("I er i rummet “bogcafeen”")
    await expect(explained).to_contain_text("Når coachen skriver “kanal”, mener den dette rum")
    # The coach's own words use "kanal": the explanation comes before them.
    coach_words = page.locator("#messages .msg.bot").filter(has_text="kanal").filter(has_not_text="rummet")
    await expect(coach_words.first).to_be_visible()
    assert await page.locator("#messages > li").first.get_attribute("class") == "msg bot note room-note"

    await page.reload()
    await wait_turn(page, 0)
    await expect(page.locator("#room")).to_have_text("Rum: bogcafeen")
    await expect(page.locator("#messages .room-note")).to_have_count(0)
    assert not js_errors(page), js_errors(page)


# --- what the header asks the server ------------------------------------------------------------


async def test_the_header_is_asked_for_in_the_page_language_and_only_by_the_page(
    http: aiohttp.ClientSession, web_server: str, guides: dict[str, Guide]
) -> None:
    api = f"{web_server}/chat/api"
    async with http.post(f"{api}/turn", json={"conversation": "api-header", "command": f"start {VISIT} Alpha"}) as done:
        assert done.status == 200
        assert (await done.json())["progress"]["project"] == "Alpha", "each turn's answer names the current project"
    for lang in ("da", "en"):
        async with http.get(f"{api}/progress", params={"conversation": "api-header", "lang": lang}) as response:
            header = (await response.json())["progress"]
        assert (header["project"], header["guide"]) == ("Alpha", title(guides, VISIT, lang))
    async with http.get(f"{api}/progress", params={"conversation": "api-empty", "lang": "da"}) as response:
        assert (await response.json()) == {"progress": None}, "a room without projects has nothing to show"
    async with http.get(
        f"{api}/progress", params={"conversation": "api-header"}, headers={"Sec-Fetch-Site": "cross-site"}
    ) as response:
        assert response.status == 403 and "Alpha" not in await response.text()
    async with http.get(f"{api}/progress") as response:
        assert response.status == 400


# --- lists and dates typed on one line -------------------------------------------------------------


async def test_a_list_typed_on_one_line_is_sent_and_said_back_as_items(browser: Browser, web_server: str) -> None:
    """kommer-forbi's step 2: "formulerer 3–4 centrale spørgsmål". A librarian who writes them
    on one line, separated by commas, is not stopped by the page's count of lines."""
    page = await open_room(browser, web_server, "conv-list")
    await send(page, f"/start {VISIT} Spørgsmål")

    async def is_key_questions(question: Locator) -> bool:
        return await question.get_attribute("data-min-items") == "3"

    await Answerer(page).until(is_key_questions)
    question = await active_question(page)
    assert question is not None, "kommer-forbi asks for 3–4 key questions"
    await question.locator("textarea").fill("Hvordan bruger de stedet?, Hvad motiverer dem? og Hvor loyale er de?")
    before = await turns(page)
    await question.locator("button.submit-answer").click()
    await wait_turn(page, before)
    assert not await errors_shown(page)
    await expect(page.locator("#messages")).to_contain_text(
        "Hvordan bruger de stedet?; Hvad motiverer dem?; Hvor loyale er de?"
    )


async def test_the_answers_list_shows_each_question_with_its_number_in_the_guide(
    browser: Browser, web_server: str, guides: dict[str, Guide]
) -> None:
    """`ret 5` must mean the question the list shows as 5, also when the team's path skipped some."""
    page = await open_room(browser, web_server, "conv-numbers")
    await send(page, f"/start {VISIT} Numre")
    for typed in ("nej", "ja", "Klublederen"):  # no target group yet → the mapping tool → go on anyway
        await send(page, typed)
    await send(page, "/svar")
    listed = page.locator("#messages .msg.bot ol.msg-list").last
    shown = await listed.evaluate("list => Array.from(list.children).map(item => item.value)")
    guide = guides[VISIT]
    assert shown == [guide.number(s) for s in ("target_group_chosen", "start_with_mapping", "contact_person")]
    assert shown != [1, 2, 3], "the path skipped questions, so the numbers have gaps"
