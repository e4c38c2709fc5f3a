"""A routine said in German or Spanish has its whole phone page in that language, in real headless
Chromium: the page's own words, the "Making your audio" progress, the now-playing view ("Satz 1 von 2",
the time left, Pause/Weiter), the pain question after the session and the programme view refreshed after a
rating. Every visible text (and every label, placeholder and chart title) is checked against the English
words of ``printed``'s table; the axe audit stays clean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browsers import headless_chromium, phone, serious_violations, wait_for
from conftest import RealServer, start_server

from voice_coach.printed_tables import TRANSLATIONS

pytestmark = pytest.mark.slow

ROUTINES = {
    "de": """id = "nacken-plan"
title = "Nackenprogramm"
kind = "Dehnung"
language = "de"
equipment = ["ein Stuhl"]
setup = [{ say = "Setz dich aufrecht auf den Stuhl." }]
hold = { default = "3s", min = "3s", max = "9s" }
sets = 2
rest = "2s"

[progression]
hold = "3s"
""",
    "es": """id = "cuello-plan"
title = "Programa de cuello"
kind = "Estiramiento"
language = "es"
equipment = ["una silla"]
setup = [{ say = "Siéntate derecho en la silla." }]
hold = { default = "3s", min = "3s", max = "9s" }
sets = 2
rest = "2s"

[progression]
hold = "3s"
""",
}
IDS = {"de": "nacken-plan", "es": "cuello-plan"}
SET_WORDS = {"de": "Satz 1 von 2", "es": "Serie 1 de 2"}


def english_words() -> set[str]:
    """The words of the table's English keys that no German or Spanish text of it uses ("Pause" and
    "Countdown" are German too), of three letters or more."""
    words = lambda text: {w.lower() for w in re.findall(r"[^\W\d_]{3,}", re.sub(r"\{\w+\}", "", text))}  # noqa: E731
    english = set().union(*(words(key) for key in TRANSLATIONS["de"]))
    theirs = set().union(*(words(text) for table in TRANSLATIONS.values() for text in table.values()))
    return english - theirs


SHOWN = """const texts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, element = node.parentElement;
  if (!node.textContent.trim() || element.closest("script")) continue;
  if (element.closest("svg") || element.tagName === "OPTION"
      || element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) {
    texts.push(node.textContent.trim());
  }
}
for (const element of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
  for (const name of ["aria-label", "placeholder", "title"]) {
    if (element.getAttribute(name)) texts.push(element.getAttribute(name));
  }
}
return texts;"""
"""Every text a person sees or hears read out: visible text nodes, the select's options, the chart's SVG
titles, labels and placeholders."""


def english_on_page(driver: Any) -> list[tuple[str, list[str]]]:
    """The page's texts that hold an English word of the table, with those words."""
    return english_in(driver.execute_script(SHOWN))


def english_in(texts: list[str]) -> list[tuple[str, list[str]]]:
    """The ``texts`` that hold an English word of the table, with those words."""
    english = english_words()
    found = []
    for text in texts:
        words = sorted({w for w in re.findall(r"[^\W\d_]+", text.lower())} & english)
        if words:
            found.append((text, words))
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    root = tmp_path_factory.mktemp("languages")
    (root / "routines").mkdir()
    for language, text in ROUTINES.items():
        (root / "routines" / f"{IDS[language]}.toml").write_text(text, encoding="utf-8")
    running = start_server(root, "--routines", str(root / "routines"))
    yield running
    running.process.kill()
    running.process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chromium() as driver:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_MAKING})
        yield driver


WATCH_MAKING = """window.testMaking = [];
document.addEventListener("DOMContentLoaded", () => {
  const making = document.getElementById("making-text");
  if (making) new MutationObserver(() => testMaking.push(making.textContent))
    .observe(making, { childList: true, characterData: true, subtree: true });
});"""
"""The test's own watch on "Making your audio… 40 %", shown only while a variant is made."""


def test_the_table_gives_the_check_english_words_to_find() -> None:
    english = english_words()
    assert {"play", "adjust", "chapters", "previous", "making", "programme", "session"} <= english
    assert "pause" not in english and "countdown" not in english, "German words too"


@pytest.mark.parametrize("language", ["de", "es"])
def test_a_routines_page_playing_view_question_and_programme_are_all_in_its_language(
    server: RealServer, browser: Any, language: str
) -> None:
    from selenium.webdriver.common.by import By

    phone(browser, 360, 800)
    browser.get(server.url + f"routine/{IDS[language]}")
    assert browser.execute_script("return document.documentElement.lang") == language
    browser.find_element(By.CSS_SELECTOR, "#adjust summary").click()  # the settings' labels, shown
    assert english_on_page(browser) == []
    assert serious_violations(browser) == []

    browser.find_element(By.ID, "play").click()
    wait_for(browser, "document.getElementById('audio').currentTime > 0")
    wait_for(browser, f"document.getElementById('where').textContent.includes({SET_WORDS[language]!r})")
    making = browser.execute_script("return testMaking")
    assert making and english_in(making) == [], making
    browser.execute_script("document.getElementById('audio').pause()")
    wait_for(browser, "document.getElementById('left').textContent !== ''")
    assert english_on_page(browser) == []
    assert serious_violations(browser) == []

    browser.execute_script("const a = document.getElementById('audio'); a.playbackRate = 4; a.play();")
    wait_for(browser, "!document.getElementById('rating').hidden")
    assert english_on_page(browser) == []
    browser.find_element(By.CSS_SELECTOR, "#rating .scale button[value='2']").click()
    wait_for(browser, "document.getElementById('rated').textContent !== ''")
    wait_for(browser, "document.querySelector('#pain-chart .pain-list') !== null")
    browser.execute_script(
        "document.querySelectorAll('#programme details').forEach((d) => { d.open = true; })"
    )
    assert english_on_page(browser) == []
    assert serious_violations(browser) == []
