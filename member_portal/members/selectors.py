"""Reads for members: lookups, credentials, and the sync status staff and members see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from hashbank.core.errors import NotFound
from hashbank.receipts import selectors as receipt_selectors
from member_portal.members import storage
from member_portal.members.errors import MemberErrorCode
from member_portal.members.models import Credential, Member, MemberUser, SyncPosition
from member_portal.ports import ledger as ledger_port


def member_by_slug(slug: str) -> Member:
    member = Member.objects.filter(slug=slug).first()
    if member is None:
        raise NotFound(f"No member {slug!r}.", code=MemberErrorCode.UNKNOWN_MEMBER)
    return member


def publicly_named_members() -> list[str]:
    """The names of the active members that agreed to be named publicly, alphabetically: the
    victim pages' list of participating platforms (nothing else about them)."""
    rows = Member.objects.filter(
        status=Member.Status.ACTIVE, named_publicly=True, kind=Member.Kind.PLATFORM
    )
    return sorted(rows.values_list("name", flat=True), key=str.casefold)


def member_for_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    member_user = MemberUser.objects.select_related("member").filter(user=user).first()
    return member_user.member if member_user else None


INVITATION_DAYS = 7  # an invitation is open this long (services.invite_user)


def invitation_pending(member_user: MemberUser) -> bool:
    """Whether the user's invitation is still open: not yet completed by a confirmed second
    factor (services.complete_enrolment), and not expired."""
    return bool(member_user.invitation_hash) and member_user.invited_at >= timezone.now() - (
        timedelta(days=INVITATION_DAYS)
    )


def enrolment_pending(user) -> MemberUser | None:
    """The portal user who signed in with the password an open invitation set, but left before
    confirming an authenticator: enrolment resumes. None for everyone else."""
    member_user = MemberUser.objects.filter(user=user).first()
    if member_user is None or not user.has_usable_password():
        return None
    return member_user if invitation_pending(member_user) else None


def credentials_for_member(member: Member) -> QuerySet[Credential]:
    return member.credentials.order_by("-created_at")


@dataclass(frozen=True)
class SyncStatus:
    member: Member
    latest_size: int | None
    last_pulled_size: int | None
    last_pulled_at: datetime | None
    last_acked_size: int | None
    last_acked_at: datetime | None

    @property
    def pull_lag(self) -> int | None:
        """Entries the member has not pulled yet."""
        if self.latest_size is None:
            return None
        return self.latest_size - (self.last_pulled_size or 0)

    @property
    def ack_lag(self) -> int | None:
        """Entries the member has not confirmed applying yet."""
        if self.latest_size is None:
            return None
        return self.latest_size - (self.last_acked_size or 0)


def sync_status(member: Member) -> SyncStatus:
    position = storage.pull_position(member.pk) or SyncPosition(member=member)
    applied = receipt_selectors.position(member)
    return SyncStatus(
        member=member,
        latest_size=ledger_port.latest_size(),
        last_pulled_size=position.last_pulled_size,
        last_pulled_at=position.last_pulled_at,
        last_acked_size=applied.size if applied else None,
        last_acked_at=applied.at if applied else None,
    )


def sync_statuses() -> list[SyncStatus]:
    """Every member's status, for staff: who has (not) applied a removal yet."""
    return [sync_status(m) for m in Member.objects.order_by("slug")]


@dataclass(frozen=True)
class PeerLag:
    """How far a peer bank that mirrors our log is behind it, as its peer credential's reads
    show: the size of our checkpoint it last read and how old our oldest checkpoint it has not
    read is (0 when it is up to date)."""

    member: Member
    latest_size: int | None
    pulled_size: int | None
    pulled_at: datetime | None
    behind_entries: int | None
    behind_seconds: int | None


def peers_mirroring_us(now: datetime | None = None) -> list[PeerLag]:
    """Every peer bank with a credential on our log (members of kind peer), for the console."""
    now = now or timezone.now()
    found = []
    for member in Member.objects.filter(kind=Member.Kind.PEER).order_by("slug"):
        status = sync_status(member)
        behind = status.pull_lag
        seconds = None
        if behind is not None:
            first = ledger_port.first_published_after(status.last_pulled_size) if behind else None
            when = first.published_at if first is not None else None
            seconds = max(0, int((now - when).total_seconds())) if when else 0
        found.append(
            PeerLag(
                member,
                status.latest_size,
                status.last_pulled_size,
                status.last_pulled_at,
                behind,
                seconds,
            )  # fmt: skip
        )
    return found


def members_behind(size: int) -> QuerySet[Member]:
    """Active member platforms (not peer banks) that have not acknowledged a checkpoint of at
    least `size`."""
    return Member.objects.filter(status=Member.Status.ACTIVE, kind=Member.Kind.PLATFORM).filter(
        Q(applied_position__isnull=True) | Q(applied_position__size__lt=size)
    )


def receipt_keys(member: Member) -> list:
    """The member's receipt keys, newest first, revoked ones included."""
    return receipt_selectors.receipt_keys(member)


def receipt_vkey(key) -> str:
    return receipt_selectors.vkey(key)
