"""Every victim-facing sentence the code (not a template) shows, in one translatable place.

Domain errors carry English messages for API clients; the pages show these translations instead,
chosen by the error's stable code. The page script gets its strings through `page_messages()`,
rendered into the page as JSON (a non-executable script element, so the CSP allows it). A string
with a plural is `{"one": ..., "many": ..., "other": ...}`, ngettext's forms for 1, 1,000,000
and 2, and the script picks one with `Intl.PluralRules` of the page's language: CLDR's
categories, which for English and Spanish are what their catalogues' Plural-Forms select
(Spanish: n == 1, a non-zero multiple of a million, the rest).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hashbank.core.errors import DomainError


def _error_texts() -> dict[str, str]:
    return {
        "wrong_case_or_pin": _(
            "The case number or the PIN is not right. Please check and try again."
        ),
        "case_locked": _(
            "This case is locked after too many wrong PINs. To unlock it, contact the helpline."
        ),
        "pin_retry_later": _("Too many wrong PINs. Please wait a moment and try again."),
        "rate_limited": _("Too many attempts from this device. Please wait and try again later."),
        "attestation_required": _("Please confirm each statement before sending."),
        "no_hashes": _("There are no fingerprints to send."),
        "too_many_hashes": _(
            "A case can hold at most 1,000 fingerprints. Please send fewer files."
        ),
        "low_quality_pdq": _("One image fingerprint was too unreliable to send."),
        "no_hash_text": _("Please paste the text the offline hasher printed."),
        "hash_file_too_large": _("That is too much text to be the offline hasher's fingerprints."),
        "invalid_hash_file": _(
            "That is not the text the offline hasher printed. Only that text is accepted, never "
            "an image."
        ),
        "invalid_hash_ids": _("Please choose what to withdraw."),
        "unknown_hash": _("That fingerprint is not part of this case."),
        "csrf_failed": _("The page expired. Please reload it and try again."),
        "network": _("Could not reach the server. Check your connection and try again."),
        "too_many_hashes_today": _(
            "This device has sent as many fingerprints as we accept in one day. Nothing more "
            "was saved. Please try again tomorrow, or contact the helpline."
        ),
        "temporarily_unavailable": _(
            "The service is very busy right now. Nothing was saved. Please try again in a minute."
        ),
        "pow_required": _(
            "This device has sent several cases today. To protect the service, your browser "
            "first does a short calculation. Nothing was saved yet."
        ),
        "pow_invalid": _("The browser's check did not work. Nothing was saved. Please send again."),
        "pow_expired": _(
            "The browser's check took too long and expired. Nothing was saved. Please send again."
        ),
        "assisted_code_invalid": _(
            "The helpline code has expired or was already used. Nothing was saved. Send again to "
            "create your case without it, or ask the helpline for a new code."
        ),
    }


def error_message(error: DomainError) -> str:
    texts = _error_texts()
    if error.code in texts:
        return texts[error.code]
    if error.code.startswith(("invalid_", "hash_file_", "degenerate_")) or error.code in (
        "malformed_json",
        "not_json",
    ):
        return texts["invalid_hash_file"]
    return _("Something went wrong. Nothing was saved. Please try again.")


def _plural(singular: str, plural: str) -> dict[str, str]:
    return {
        "one": ngettext(singular, plural, 1),
        "many": ngettext(singular, plural, 1_000_000),
        "other": ngettext(singular, plural, 2),
    }


def page_messages() -> dict[str, object]:
    """Strings the submission page's script shows; keys are the script's names for them."""
    return {
        **{f"error.{code}": text for code, text in _error_texts().items()},
        "error.other": _("Something went wrong. Nothing was saved. Please try again."),
        "file.waiting": _("Waiting"),
        "file.decoding": _("Opening the image on this device"),
        "file.hashing": _("Making the fingerprint"),
        "file.done": _("Ready: exact and similarity fingerprints"),
        "file.partial": _("Exact fingerprint only"),
        "file.failed": _("Could not make a fingerprint of this file"),
        "file.remove": _("Remove %(name)s"),
        "file.preview": _("Preview of %(name)s (stays on this device)"),
        "file.nopreview": _("No preview for this kind of file."),
        "file.reveal": _("Show or blur the preview of %(name)s"),
        "file.blurred": _("Previews are blurred. Tap one to see it."),
        "file.notMedia": _(
            "This does not look like a photo or video. Only its exact fingerprint (MD5) would be "
            "sent. You can remove it."
        ),
        "file.removeThis": _("Remove this file"),
        "file.md5only": _(
            "Videos and other files that are not images get an exact fingerprint (MD5) only: it "
            "matches identical copies."
        ),
        "file.heic": _(
            "The HEIC decoder could not be loaded in this browser, so only an exact fingerprint "
            "(MD5) was made. For a fingerprint that also matches resized copies, convert the "
            "photo to JPEG first, or try again in an up-to-date browser."
        ),
        "file.undecodable": _(
            "This image could not be opened (it may be damaged or in an unusual format), so only "
            "an exact fingerprint (MD5) was made."
        ),
        "file.lowQuality": _(
            "This image has too little detail (for example, mostly one colour) for a reliable "
            "similarity fingerprint, so only an exact fingerprint (MD5) will be sent."
        ),
        "file.rotated": _(
            "This photo is stored rotated; two similarity fingerprints are sent, one for each way."
        ),
        "files.count": _plural(
            "%(count)s file selected, %(done)s ready.", "%(count)s files selected, %(done)s ready."
        ),
        "files.busy": _plural(
            "Please wait: %(count)s file still needs its fingerprint (a few seconds).",
            "Please wait: %(count)s files still need their fingerprints (a few seconds each).",
        ),
        "files.none": _("Please add at least one file."),
        "review.md5": _("Exact fingerprint (MD5)"),
        "review.pdq": _("Similarity fingerprint (PDQ)"),
        "review.pdqOriented": _("Similarity fingerprint of the rotated view (PDQ)"),
        "review.total": _plural(
            "%(count)s fingerprint will be sent. No image, no file name.",
            "%(count)s fingerprints will be sent. No image, no file name.",
        ),
        "wait.seconds": _plural(
            "You can try again in %(count)s second.", "You can try again in %(count)s seconds."
        ),
        "wait.minutes": _plural(
            "You can try again in %(count)s minute.", "You can try again in %(count)s minutes."
        ),
        "wait.hours": _plural(
            "You can try again in %(count)s hour.", "You can try again in %(count)s hours."
        ),
        "language.failed": _(
            "The language could not be changed just now. Your files are still here. Please try "
            "again."
        ),
        "result.file": saved_file_text(),
        "result.filename": saved_file_name(),
        "result.copied": _("Copied. Paste them somewhere private."),
        "result.copy_failed": _(
            "Copying did not work here: please save the file or write them down."
        ),
        "result.confirm": _("Please tick the box once you have saved your case number and PIN."),
        "sending": _("Sending fingerprints…"),
        "pow.working": _(
            "This device has sent several cases today, so your browser does a short calculation "
            "first (nothing leaves this device). About %(seconds)s seconds left."
        ),
        "pow.starting": _(
            "This device has sent several cases today, so your browser does a short calculation "
            "first (nothing leaves this device). Estimating how long it takes…"
        ),
        "eligibility.answer": _("Please answer both questions."),
    }


def offline_proof_message() -> str:
    """The no-JavaScript page's answer past the free submissions of the day: it cannot do the
    proof of work, so it says what can."""
    return _(
        "This device has already sent several cases today. To protect the service from floods, "
        "more cases from one device on one day need a short calculation that only the usual "
        "submission page can do, with JavaScript switched on. Nothing was saved. You can use "
        "that page, try again tomorrow, or contact the helpline, who can send it for you."
    )


def saved_file_text() -> str:
    """What the saved file says (the page's script and the no-JavaScript result page alike):
    the case number, the PIN and where to use them, with no word about what the case is for."""
    return _("Case number: %(number)s\nPIN: %(pin)s\nCheck or withdraw it at: %(address)s\n")


def saved_file_name() -> str:
    """A neutral name for the saved file: nothing in a downloads folder gives the case away."""
    return _("notes.txt")
