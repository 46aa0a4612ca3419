"""The quick exit in a real Chromium: it opens the neutral site in a new tab and puts it in place
of this page (Back does not return), from the mouse, Escape, or Shift pressed three times, in the
page's language; without JavaScript it is a plain link; and at 390x844 it covers no control."""

from __future__ import annotations

import pytest

from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

DESTINATIONS = {"en": "https://www.bbc.com/weather", "es": "https://www.eltiempo.es/"}
MOBILE = {"width": 390, "height": 844}

# Every control and heading that is on screen, each brought into view the way focus and links
# do (scrollIntoView, which honours scroll-padding), checked against the quick exit's bar.
COVERED_CONTROLS = """() => {
  const exit = document.querySelector('[data-quick-exit]');
  const covers = (box) => [exit, exit.parentElement].some((cover) => {
    const c = cover.getBoundingClientRect();
    return box.left < c.right && c.left < box.right && box.top < c.bottom && c.top < box.bottom;
  });
  const selector = 'main a, main button, main input, main select, main textarea, main label,'
    + ' main h1, main h2, main dd, header a, header select, header button, footer a';
  const covered = [];
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length || el.closest('[hidden]')) continue;
    el.scrollIntoView({block: 'start'});
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden (the file input)
    checked += 1;
    if (covers(box)) {
      covered.push(`${el.tagName} ${el.id || el.className} ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  window.scrollTo(0, 0);
  return {covered, checked};
}"""


@pytest.fixture
def neutral_sites(chromium):
    """A context whose requests to the destinations are answered here (nothing leaves the
    machine), in the person's language."""

    def make(language: str, **options):
        context = chromium.new_context(locale=language, **options)
        for url in DESTINATIONS.values():
            context.route(
                f"{url}**",
                lambda route: route.fulfill(body="<p>Forecast</p>", content_type="text/html"),
            )
        return context

    return make


def _open(context, live_server, language: str):
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/submit/")
    return page


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_button_opens_the_neutral_site_in_a_new_tab_and_replaces_this_page(
    neutral_sites, live_server, language
):
    context = neutral_sites(language)
    page = _open(context, live_server, language)
    with context.expect_page() as new_tab, page.expect_navigation():
        page.click("[data-quick-exit]")
    new_tab.value.wait_for_load_state()
    assert new_tab.value.url == DESTINATIONS[language]
    assert page.url == DESTINATIONS[language]
    page.go_back()
    assert page.url == f"{live_server.url}/"  # the page that was left is not in the history
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_escape_leaves_for_the_languages_neutral_site(neutral_sites, live_server, language):
    context = neutral_sites(language)
    page = _open(context, live_server, language)
    browser.answer_eligibility(page)  # from the middle of the flow, focus anywhere
    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url == DESTINATIONS[language]
    page.go_back()
    assert page.url == f"{live_server.url}/"
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_shift_pressed_three_times_leaves_but_twice_then_typing_does_not(
    neutral_sites, live_server, language
):
    context = neutral_sites(language)
    page = _open(context, live_server, language)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")  # another key in between starts the count again
    page.keyboard.press("Shift")
    # The handlers run as each key is dispatched: had they left, the page would be blank now.
    assert page.url == f"{live_server.url}/submit/"
    assert page.locator("[data-quick-exit]").count() == 1
    with page.expect_navigation():
        for _ in range(3):
            page.keyboard.press("Shift")
    assert page.url == DESTINATIONS[language]
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_without_javascript_the_quick_exit_is_a_plain_link_to_the_neutral_site(
    neutral_sites, live_server, language
):
    context = neutral_sites(language, java_script_enabled=False)
    page = _open(context, live_server, language)
    link = page.locator("[data-quick-exit]")
    assert link.get_attribute("href") == DESTINATIONS[language]
    assert "noreferrer" in link.get_attribute("rel").split()
    with page.expect_navigation():
        link.click()
    assert page.url == DESTINATIONS[language]
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_phone_the_quick_exit_covers_no_control_with_files_picked_or_on_the_result(
    neutral_sites, live_server, tmp_path, language
):
    context = neutral_sites(language, viewport=MOBILE)
    page = _open(context, live_server, language)
    browser.answer_eligibility(page)
    files = browser.make_files(tmp_path)
    page.set_input_files("#file-input", [str(path) for path in files])
    browser.wait_until_hashed(page, len(files))
    found = {}
    result = page.evaluate(COVERED_CONTROLS)
    assert result["checked"] > 10  # the files' remove buttons among them
    found["files"] = result["covered"]
    page.click("#files-next")
    page.check("#consent-consent")
    page.click("#send")
    browser.read_result(page)
    # The result heading takes focus: it is scrolled into view below the bar, not under it.
    heading = page.evaluate(
        "() => { const h = document.activeElement.getBoundingClientRect();"
        " return [h.top, document.querySelector('[data-quick-exit]').getBoundingClientRect().bottom];}"
    )
    assert heading[0] >= heading[1], heading
    found["result"] = page.evaluate(COVERED_CONTROLS)["covered"]
    for path in ["/", "/status/", "/help/"]:
        page.goto(f"{live_server.url}{path}")
        found[path] = page.evaluate(COVERED_CONTROLS)["covered"]
    assert {where: c for where, c in found.items() if c} == {}
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_skip_link_shows_above_the_quick_exit_bar_when_tabbed_to(
    neutral_sites, live_server, language
):
    context = neutral_sites(language, viewport=MOBILE)
    page = _open(context, live_server, language)
    page.keyboard.press("Tab")
    on_top = page.evaluate(
        """() => {
          const link = document.activeElement;
          const box = link.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return [link.className, link === hit || link.contains(hit)];
        }"""
    )
    assert on_top == ["skip-link", True]
    context.close()
