"""A slow line must not undo a correction: the answer to an earlier inline check arrives after the
person retyped the field (issue #22)."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, settled

pytestmark = pytest.mark.browser


def _hold_first_check(page):
    """Keep the first answer of the 手机号码 check back until the test releases it; later checks
    pass. Returns release()."""
    held = []

    def handle(route):
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))
    page.route("**/validate/register/mobile", handle)

    def release():
        route, response = held[0]
        route.fulfill(response=response)

    def wait_held():
        for _ in range(100):
            if held:
                return
            page.wait_for_timeout(50)   # lets Playwright run the route handler
        raise AssertionError("the first check never went out")
    return wait_held, release


def test_an_answer_for_a_value_no_longer_in_the_field_is_dropped(page):
    page.goto("/register")
    wait_held, release = _hold_first_check(page)
    mobile = field(page, "手机号码")
    mobile.fill("1391234")
    mobile.blur()                                  # change: the check of 1391234 goes out
    wait_held()
    mobile.fill("13912340077")                     # corrected while that answer is on its way
    release()
    settled(page)                                  # the answer arrived (and was dropped)
    expect(mobile).to_have_value("13912340077")
    expect(page.locator("#field-mobile .error")).to_have_count(0)


def test_the_later_values_answer_wins(page):
    page.goto("/register")
    wait_held, release = _hold_first_check(page)
    mobile = field(page, "手机号码")
    mobile.fill("13912340079")                     # valid: its answer would clear any message
    mobile.blur()
    wait_held()
    mobile.fill("1391234")                         # a mistake, checked on leaving the field
    mobile.blur()
    release()
    settled(page)
    expect(page.locator("#field-mobile .error")).to_contain_text("手机")
    expect(field(page, "手机号码")).to_have_value("1391234")
