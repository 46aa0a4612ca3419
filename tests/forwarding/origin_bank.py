"""Bank A, the origin, as a process of its own (tests/publishing/banks.py), with what the
forwarding tests need from it: a published signal and its sequence number, and its reviewers'
decisions (through A's own services, in A's `manage.py shell`)."""

from __future__ import annotations

from tests.publishing.banks import Bank, wait_for

SEQ_OF = """
from hashbank.ledger.models import Entry
entry = Entry.objects.filter(kind=Entry.ADD, signal__value={value!r}).first()
print(entry.seq if entry else "none")
"""

DECIDE = """
from django.contrib.auth import get_user_model
from hashbank.disputes import services
from hashbank.disputes.models import Dispute
from hashbank.ledger import services as ledger
users = get_user_model().objects
dispute = Dispute.objects.get(idempotency_key={forward_id!r})
for name in ("reviewer-1", "reviewer-2"):
    reviewer, _ = users.get_or_create(username=name, defaults={{"is_staff": True}})
    if {uphold!r}:
        dispute = services.uphold(
            dispute=dispute, reviewer=reviewer, reason_code="false_positive", reason={reason!r}
        )
    else:
        services.reject(dispute=dispute, reviewer=reviewer, reason={reason!r})
        break
ledger.seal_backlog()
print("|".join([dispute.status, dispute.forwarded_for, dispute.member.slug]))
"""


def _last_line(out: str) -> str:
    """What the script printed last (`manage.py shell` prints its automatic imports first)."""
    return out.strip().splitlines()[-1]


def publish(bank: Bank, value: str) -> int:
    """Submit `value` (a PDQ hash) at the bank, wait until it is published; its add entry's seq."""
    response = bank.submit([{"type": "pdq", "value": value, "quality": 90}])
    assert response.status in (200, 201), response.text
    seq = wait_for(
        lambda: (
            (out := _last_line(bank.manage("shell", "-c", SEQ_OF.format(value=value)))).isdigit()
            and out
        ),
        timeout=60,
        interval=0.5,
        what="the signal is sealed and published",
    )
    return int(seq)


def decide(bank: Bank, forward_id: str, *, uphold: bool, reason: str) -> list[str]:
    """The origin's reviewers decide the dispute forwarded with `forward_id` (two upholds: four
    eyes); (status, forwarded_for, peer member slug) as A stored them."""
    out = bank.manage(
        "shell",
        "-c",
        DECIDE.format(forward_id=forward_id, uphold=uphold, reason=reason),
    )
    return _last_line(out).split("|")
