"""In headless Chromium, two devices: a caseworker signs in (password and TOTP computed here)
and issues a one-time assisted code; the person, on their own phone-sized browser, enters it on
the public page, hashes a photo there and gets their case. The case is staff-assisted and in the
caseworker's "My cases"; the staff browser never sent or received the photo. axe-core finds no
serious violation on the new pages (console and public), and none on the dispute page's new
context or the decided disputes list."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from hashbank.staff import otp
from tests.fixtures.browser import AXE, serious_violations
from tests.fixtures.staff import PASSWORD
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]
TIMEOUT = 30_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def sign_in(page, base: str, username: str, device) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/staff/login/verify/$"))
    page.locator("#id_code").fill(otp.current_code(device))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/$"))


@pytest.fixture
def contexts(chromium):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}); run `make browser-deps`")
    made = []

    def new(**options):
        # The strict CSP forbids the injected axe script; bypassed for that injection only.
        made.append(chromium.new_context(bypass_csp=True, **options))
        return made[-1]

    yield new
    for context in made:
        context.close()


def test_person_submits_on_their_own_phone_with_a_caseworkers_code(
    contexts, live_server, make_staff, tmp_path
):
    from hashbank.cases.models import AssistedCode, Case

    user = make_staff("caseworker", username="cora", password=PASSWORD)
    staff = contexts().new_page()
    staff.set_default_timeout(TIMEOUT)
    staff_posts: list[str] = []
    staff.on("request", lambda r: staff_posts.append(r.url) if r.method == "POST" else None)
    sign_in(staff, live_server.url, "cora", TOTPDevice.objects.get(user=user))

    staff.goto(f"{live_server.url}/staff/cases/new/")
    staff.get_by_role("link", name="give them a one-time code").click()
    staff.wait_for_url(re.compile(r"/staff/cases/new/code/$"))
    violations = {"issue page": serious_violations(staff)}
    staff.get_by_role("button", name="Issue a code").click()
    code = staff.locator("#assisted-code").text_content().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    violations["code shown"] = serious_violations(staff)

    phone = contexts(**PHONE).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/submit/assisted/")
    violations["entry page"] = serious_violations(phone)
    # A wrong code first: said plainly, nothing kept.
    phone.get_by_label("Helpline code").fill("2222-2222")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("#assisted-error")).to_contain_text("This code is not valid")
    violations["entry error"] = serious_violations(phone)
    phone.get_by_label("Helpline code").fill(code.lower())  # as typed on a phone
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("#assisted-accepted")).to_have_text("Code accepted")
    violations["accepted"] = serious_violations(phone)
    phone.locator("#assisted-continue").click()
    phone.wait_for_url(re.compile(r"/submit/$"))
    browser.answer_eligibility(phone)
    photo = browser.make_files(tmp_path)[0]
    phone.set_input_files("#file-input", [str(photo)])
    browser.wait_until_hashed(phone, 1)
    phone.click("#files-next")
    phone.check("#consent-consent")
    phone.click("#send")
    number, _pin = browser.read_result(phone)

    case = Case.objects.get(number=number.replace("-", ""))
    assert case.staff_assisted and case.assignee == user
    assert AssistedCode.objects.get().case == case
    md5s = [cs.signal.value for cs in case.case_signals.filter(signal__signal_type="md5")]
    assert md5s == [browser.md5_of(photo)]

    # The caseworker finds it under My cases; the staff browser never posted a photo or hash.
    staff.goto(f"{live_server.url}/staff/cases/mine/")
    expect(staff.get_by_role("link", name=number)).to_be_visible()
    assert not [url for url in staff_posts if "/api/v1/submissions" in url]
    assert all(url.startswith(f"{live_server.url}/staff/") for url in staff_posts)
    assert violations == {name: [] for name in violations}


def test_reviewer_reads_the_context_and_finds_the_decision_later(
    contexts, live_server, world, make_staff
):
    from hashbank.disputes import services as disputes
    from member_portal.reports import services as reports

    signal = world.case_signal("pdq").signal
    for distance in (4, 9):
        reports.submit_report(
            member=world.member,
            signal_type="pdq",
            value=signal.value,
            action="blocked_upload",
            distance=distance,
        )
    current, _ = disputes.raise_dispute(
        member=world.member,
        signal_type="md5",
        value=world.case_signal("md5").signal.value,
        reason="not_intimate_imagery",
        content_description="A stock photo of a beach, no people.",
    )
    user = make_staff("dispute reviewer", username="rita", password=PASSWORD)
    page = contexts().new_page()
    page.set_default_timeout(TIMEOUT)
    sign_in(page, live_server.url, "rita", TOTPDevice.objects.get(user=user))

    page.goto(f"{live_server.url}/staff/review/{world.dispute.pk}/")
    expect(page.locator("#report-summary")).to_contain_text("2 reports")
    expect(page.locator("#report-summary")).to_contain_text("4 to 9 bits")
    violations = {"dispute with reports": serious_violations(page)}
    page.get_by_label("Reason the member will read").nth(1).fill("Verified: it is ours to keep.")
    page.get_by_role("button", name="Reject the dispute").click()
    page.wait_for_url(re.compile(r"/staff/review/$"))

    page.goto(f"{live_server.url}/staff/review/{current.pk}/")
    expect(page.locator("#content-description")).to_have_text(
        "A stock photo of a beach, no people."
    )
    violations["dispute with a description"] = serious_violations(page)

    page.goto(f"{live_server.url}/staff/review/")
    page.get_by_role("link", name="Decided disputes").click()
    page.get_by_label("Dispute number, member slug or hash value").fill(signal.value)
    page.get_by_role("button", name="Search").click()
    table = page.locator("#decided-table")
    expect(table.get_by_role("link", name=f"Dispute {world.dispute.pk}")).to_be_visible()
    expect(table.get_by_role("link", name=f"Dispute {current.pk}")).to_have_count(0)
    assert signal.value not in page.url
    violations["decided disputes"] = serious_violations(page)
    assert violations == {name: [] for name in violations}
