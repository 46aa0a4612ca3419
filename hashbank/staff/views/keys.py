"""Keys: the signing keys, root documents and where a rotation stands. Read-only: rotation runs
from `manage.py keys rotate` / `keys retire KEYID` (docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hashbank.ledger import selectors as ledger
from hashbank.staff.access import staff_required
from member_portal.feed import rootdoc


def rotation_state(root, key_states: list[dict]) -> str:
    """A plain sentence: no root yet, steady, or in an overlap where two keys sign."""
    if root is None:
        return _("No root document yet: run `manage.py keys init`.")
    missing = [k["key_id"] for k in key_states if not k["loaded"]]
    if missing:
        return _(
            "Key %(keys)s is in the root document but its private key is not loaded on this "
            "host: checkpoints lack its signature."
        ) % {"keys": ", ".join(missing)}
    if len(key_states) > 1:
        return _(
            "Rotation in progress: %(n)d keys sign every checkpoint. Once members have root "
            "document version %(version)s, retire the old key with `manage.py keys retire KEYID`."
        ) % {"n": len(key_states), "version": root.version}
    return _("Steady: one signing key.")


@require_GET
@staff_required("staff.view_keys")
def keys(request: HttpRequest) -> HttpResponse:
    root = ledger.current_root()
    key_states = ledger.key_states()
    checkpoint = ledger.latest_checkpoint()
    documents = list(enumerate(ledger.root_documents(), start=1))
    context = {
        "nav": "keys",
        "root": root,
        "root_expires": dt.datetime.fromtimestamp(root.expires, tz=dt.UTC) if root else None,
        "key_states": key_states,
        "root_documents": documents[::-1],
        "checkpoint": checkpoint,
        # What a member compares out of band before pinning (its portal's first-sync checklist).
        "first_fingerprint": (
            rootdoc.grouped(rootdoc.fingerprint(documents[0][1])) if documents else ""
        ),
        "rotation": rotation_state(root, key_states),
        "now": timezone.now(),
    }
    return render(request, "staff/keys.html", context)
