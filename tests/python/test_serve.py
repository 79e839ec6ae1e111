"""`cardsmith serve` in a real browser: headless Chromium (Debian's, driven by Playwright) loads
the preview, reads a card's front and back, sees an edit of the lesson arrive through the
server-sent events, a content error replace the cards with its diagnostics, night mode, and a
formula typeset where Anki's MathJax would typeset it.

The screenshot goes to target/screenshots/serve-preview.png; with CARDSMITH_UPDATE_SCREENSHOTS=1
also to docs/img/serve-preview.png (the one the docs show)."""

import os
import pathlib
import queue
import re
import shutil
import subprocess
import threading

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import CARDSMITH, REPO

TIMEOUT_MS = 30_000  # generous for a loaded 2-core CI machine; a rebuild takes milliseconds
CHROMIUM = "/usr/bin/chromium"
# No network, no first-run work, no sandbox (CI runs as root in a container).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LESSON = "source/data-pipelines/probes.md"


class Serve:
    """`cardsmith serve --port 0` on a project, its stderr read line by line."""

    def __init__(self, project: pathlib.Path):
        self.process = subprocess.Popen(
            [CARDSMITH, "-C", str(project), "serve", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        line = self.line(r"\[serve\] built in \d+ ms; previewing at ")
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)

    def _read(self):
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def line(self, pattern: str) -> str:
        """Waits for a line matching `pattern`; returns it."""
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT_MS / 1000)
            except queue.Empty:
                pytest.fail(f"no line matching {pattern!r}; serve printed:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def serve(project: pathlib.Path):
    server = Serve(project)
    yield server
    server.stop()


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


def card(page, item: str, side: str):
    """The body of the first card's `side` (front or back) of `item`, inside its iframe."""
    return page.frame_locator(f"#item-{item} iframe.card-{side}").first.locator("body")


def edit(project: pathlib.Path, old: str, new: str):
    lesson = project / LESSON
    text = lesson.read_text()
    assert old in text, old
    lesson.write_text(text.replace(old, new, 1))


def test_preview_shows_cards_reloads_on_edit_and_switches_to_night_mode(project, serve, page):
    page.goto(serve.url)
    page.get_by_role("link", name=re.compile("Survive the follow-up probes")).first.click()
    expect(page).to_have_url(serve.url + "lesson/pipeline-probes")

    front = card(page, "batch-high-water-mark", "front")
    back = card(page, "batch-high-water-mark", "back")
    expect(front.locator(".cs-question")).to_have_text(
        "How does your batch pipeline load only what changed since the last run?"
    )
    # The front hides the answer; the back shows it, with the must-say box, as in Anki.
    expect(front.locator(".cs-answer")).to_have_count(0)
    expect(back.locator(".cs-answer")).to_contain_text("With a high-water mark.")
    expect(back.locator(".cs-must")).to_contain_text("reads only the rows after the mark")
    # Coverage inline: which words of which sentence made each point.
    coverage = page.locator("#item-batch-high-water-mark .coverage")
    expect(coverage.locator("li.made").first).to_contain_text("high-water mark")
    expect(coverage.locator("li.made mark").first).to_have_text("high-water mark")

    # An edit on disk reaches the open page by itself (server-sent events, then a reload).
    marker = "The preview shows this sentence after a save."
    edit(project, "With a **high-water mark**.", f"With a **high-water mark**. {marker}")
    serve.line(r"\[serve\] rebuilt in \d+ ms .*probes\.md")
    expect(back.locator(".cs-answer")).to_contain_text(marker)
    expect(page.locator("#build-status")).to_contain_text("built")

    # Night mode: the classes Anki puts on the card, and the deck's night colours.
    expect(front).not_to_have_class(re.compile("nightMode"))
    page.locator("#night-toggle").click()
    expect(front).to_have_class(re.compile(r"\bcard\b.*\bnightMode\b.*\bnight_mode\b"))
    expect(front).to_have_css("background-color", "rgb(30, 30, 30)")
    expect(back).to_have_css("color", "rgb(230, 237, 243)")
    # It survives the next reload.
    edit(project, marker, marker + " Twice.")
    expect(back.locator(".cs-answer")).to_contain_text("Twice.")
    expect(front).to_have_class(re.compile(r"\bnightMode\b"))

    # The cheat sheet of the same build, on the same page.
    sheet = page.frame_locator("iframe.sheet").locator("body")
    expect(sheet).to_contain_text("high-water mark")

    page.locator("#item-batch-high-water-mark").scroll_into_view_if_needed()
    shots = REPO / "target" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "serve-preview.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("CARDSMITH_UPDATE_SCREENSHOTS") == "1":
        (REPO / "docs" / "img").mkdir(exist_ok=True)
        shutil.copy(shot, REPO / "docs" / "img" / "serve-preview.png")


def test_a_content_error_shows_its_diagnostics_instead_of_cards(project, serve, page):
    page.goto(serve.url + "lesson/pipeline-probes")
    expect(card(page, "exactly-once", "front").locator(".cs-question")).to_be_visible()

    # Two items with one id: an error, so the build is refused.
    edit(project, "{#why-parquet}", "{#exactly-once}")
    serve.line(r"build refused")
    expect(page.locator("#refused")).to_be_visible()
    expect(page.locator("iframe.card")).to_have_count(0)
    errors = page.locator(".diagnostic").filter(has=page.locator(".severity-error"))
    expect(errors.first).to_contain_text("source/data-pipelines/probes.md:")
    expect(errors.first.locator("pre")).to_contain_text("exactly-once")

    # Fixed, the cards come back.
    edit(project, "Why Parquet? {#exactly-once}", "Why Parquet? {#why-parquet}")
    expect(card(page, "why-parquet", "front").locator(".cs-question")).to_have_text("Why Parquet?")
    expect(page.locator("#refused")).to_have_count(0)


def test_a_formula_is_typeset_as_anki_typesets_it(project, serve, page):
    edit(
        project,
        "With a **high-water mark**.",
        r"With a **high-water mark**. It reads $\frac{n}{N}$ of the rows, and $$\sum_{i=1}^{k} r_i \le N$$ in all.",
    )
    serve.line(r"\[serve\] rebuilt in \d+ ms .*probes\.md")
    page.goto(serve.url + "lesson/pipeline-probes")
    back = card(page, "batch-high-water-mark", "back")
    inline = back.locator(".cs-answer span.formula math").first
    expect(inline).to_be_visible()
    expect(inline.locator("mfrac")).to_have_count(1)
    display = back.locator('.cs-answer math[display="block"]')
    expect(display).to_have_count(1)
    expect(display.locator("munderover, msubsup")).not_to_have_count(0)
    # Laid out as math, not left as source: a fraction is taller than its line of text.
    box = inline.bounding_box()
    assert box is not None and box["width"] > 5 and box["height"] > 10, box
    expect(back.locator(".cs-answer")).not_to_contain_text("\\(")
    expect(back.locator(".cs-answer span.formula").first).to_have_attribute("title", r"\frac{n}{N}")
    shots = REPO / "target" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("#item-batch-high-water-mark iframe.card-back").first.screenshot(
        path=str(shots / "serve-math.png")
    )
