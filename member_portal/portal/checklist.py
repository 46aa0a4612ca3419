"""The portal's first-sync checklist: what a platform engineer does, in order, to get a verified
copy of the feed, with where they stand on each step.

1. The root document to pin, with its SHA-256 fingerprint (feed/rootdoc.py) and how to compare it
   out of band (the bank's staff read the same fingerprint on their keys page).
2. A credential, and the header line to copy (credentials page).
3. "Send a test webhook" to each endpoint (an ordinary signed delivery, event `webhook.test`).
4. The member's sync status: entries behind, and since when.
5. Its recent API errors (api/error_log.py): route, status, code, never a value.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from member_portal.api import error_log
from member_portal.feed import rootdoc
from member_portal.members import selectors as members
from member_portal.portal.decorators import member_required
from member_portal.ports import ledger as ledger_port
from member_portal.webhooks import selectors as webhooks
from member_portal.webhooks import services as webhook_services
from member_portal.webhooks import tasks as webhook_tasks


def _root() -> dict | None:
    documents = [ledger_port.as_text(doc) for doc in ledger_port.root_documents()]
    if not documents:
        return None
    first = documents[0]
    digest = rootdoc.fingerprint(first)
    return {
        "note": first,
        "fingerprint": digest,
        "grouped": rootdoc.grouped(digest),
        "later": len(documents) - 1,
    }


def _sync(member) -> dict:
    status = members.sync_status(member)
    behind_since = None
    if status.latest_size is not None and (status.last_acked_size or 0) < status.latest_size:
        first = ledger_port.first_published_after(status.last_acked_size)
        behind_since = first.published_at if first is not None else None
    return {"status": status, "behind_since": behind_since, "now": timezone.now()}


@member_required
def first_sync(request):
    member = request.member
    credentials = list(members.credentials_for_member(member))
    usable = [c for c in credentials if c.is_usable]
    endpoints = list(webhooks.endpoints_for_member(member))
    deliveries = list(webhooks.deliveries_for_member(member, limit=20))
    tests = [d for d in deliveries if d.event == webhook_services.TEST_EVENT]
    context = {
        "root": _root(),
        "usable_credentials": usable,
        "used_credential": any(c.last_used_at for c in usable),
        "endpoints": endpoints,
        "test_deliveries": tests[:5],
        "test_delivered": any(d.status == "delivered" for d in tests),
        "sync": _sync(member),
        "errors": error_log.recent(member.pk),
        "public_url": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "portal/first_sync.html", context)


@require_POST
@member_required
def send_test_webhook(request, endpoint_id: int):
    endpoint = get_object_or_404(webhooks.endpoints_for_member(request.member), pk=endpoint_id)
    latest = ledger_port.latest_checkpoint()
    with transaction.atomic():
        delivery = webhook_services.send_test(
            endpoint=endpoint, latest_size=latest.size if latest else None, actor=request.user
        )
        transaction.on_commit(lambda: webhook_tasks.deliver_webhook.delay(delivery.pk))
    messages.success(
        request,
        _("A test webhook is on its way to %(url)s; its state is below (reload to update).")
        % {"url": endpoint.url},
    )
    return redirect("/portal/first-sync/#webhooks")
