"""The federation page (administrators): the peer banks whose logs this bank mirrors, each
mirror's last checkpoint, lag, witness status, removal-propagation lag, nudges and errors; the
peer banks that mirror our log and how far behind it they are; the equivocation evidence; and
suspend / resume / remove a peer (audited by hashbank.peers.services)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from hashbank.core.errors import DomainError
from hashbank.mirrors import selectors as mirrors
from hashbank.peers import selectors as peers
from hashbank.peers import services as peer_services
from hashbank.staff.access import staff_required
from member_portal.members import selectors as members

ACTIONS = {
    "suspend": peer_services.suspend_peer,
    "resume": peer_services.resume_peer,
    "remove": peer_services.remove_peer,
}
DONE = {
    "suspend": _("Peer %(name)s is suspended."),
    "resume": _("Peer %(name)s is active again."),
    "remove": _("Peer %(name)s is removed."),
}


@require_GET
@staff_required("staff.manage_federation")
def federation(request: HttpRequest) -> HttpResponse:
    by_peer = {m["peer"]: m for m in mirrors.status()}
    rows = [{"peer": p, "mirror": by_peer.get(p.name)} for p in peers.peers()]
    return render(
        request,
        "staff/federation.html",
        {
            "nav": "federation",
            "rows": rows,
            "evidence": mirrors.evidence(),
            "mirroring_us": members.peers_mirroring_us(),
        },
    )


@require_POST
@staff_required("staff.manage_federation")
def peer_action(request: HttpRequest, name: str, action: str) -> HttpResponse:
    act = ACTIONS.get(action)
    if act is None or peers.peer_by_name(name) is None:
        raise Http404("no such peer or action")
    try:
        act(name=name, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action] % {"name": name})
    return redirect("staff:federation")
