"""Writes for members: onboarding, credentials, suspension, portal invitations, sync position.

Staff pages (hashbank/staff) and the portal call these; `actor` is the person acting (a staff user
or a member's portal user) and every such action lands in the audit log.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta
from functools import cache
from time import monotonic
from typing import NamedTuple, NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.audit.services import record_event
from hashbank.core import ratelimit
from hashbank.core.addresses import client_keys
from hashbank.core.errors import Conflict, DomainError, NotFound
from hashbank.receipts import services as receipt_services
from member_portal.members import selectors, storage, tokens
from member_portal.members.errors import (
    CredentialRefused,
    InvalidCredential,
    MemberErrorCode,
    MemberSuspended,
    TooManyFailedAttempts,
)
from member_portal.members.models import SCOPES, Credential, Member, MemberUser, SyncPosition

MAX_USABLE_CREDENTIALS = 2  # one in use and one being rolled out during a rotation
LAST_USED_RESOLUTION = timedelta(seconds=60)
INVITATION_DAYS = selectors.INVITATION_DAYS


def _audit(actor, action: str, *, target: str = "", member: Member | None = None, **kw) -> None:
    if actor is None:
        return

    record_event(actor=actor, action=action, target=target, member=member, **kw)


@transaction.atomic
def create_member(*, slug: str, name: str, kind: str = Member.Kind.PLATFORM, actor=None) -> Member:
    """A member platform, or (kind "peer") a peer bank that mirrors this bank's log."""
    if Member.objects.filter(slug=slug).exists():
        raise Conflict(
            _("A member with slug %(slug)s exists.") % {"slug": repr(slug)},
            code=MemberErrorCode.MEMBER_EXISTS,
        )
    member = Member(slug=slug, name=name, kind=kind)
    member.full_clean()
    member.save()
    SyncPosition.objects.create(member=member)
    _audit(actor, "member.created", target=slug, member=member, after={"name": name, "kind": kind})
    return member


def _clean_scopes(scopes: list[str] | None) -> list[str]:
    scopes = list(SCOPES) if scopes is None else sorted(set(scopes))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise DomainError(
            _("Scopes must be among %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
            code=MemberErrorCode.INVALID_SCOPE,
            detail=unknown,
        )
    return scopes


def _clean_ips(allowed_ips: list[str] | None) -> list[str]:
    cleaned = []
    for raw in allowed_ips or []:
        try:
            cleaned.append(str(ipaddress.ip_network(raw.strip(), strict=False)))
        except ValueError:
            raise DomainError(
                _("%(address)s is not an IP address or network.") % {"address": repr(raw)},
                code=MemberErrorCode.INVALID_IP,
            ) from None
    return cleaned


@transaction.atomic
def issue_credential(
    *,
    member: Member,
    scopes: list[str] | None = None,
    label: str = "",
    expires_at: datetime | None = None,
    allowed_ips: list[str] | None = None,
    actor=None,
) -> tuple[Credential, str]:
    """A new credential and its token; the token is returned once and never stored."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    now = timezone.now()
    usable = member.credentials.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if usable.count() >= MAX_USABLE_CREDENTIALS:
        raise Conflict(
            _(
                "This member already holds two usable credentials; revoke one before issuing another."
            ),
            code=MemberErrorCode.TOO_MANY_CREDENTIALS,
        )
    if expires_at is not None and expires_at <= now:
        raise DomainError(
            _("The expiry must be in the future."), code=MemberErrorCode.INVALID_EXPIRY
        )
    token, key_id, secret_hash = tokens.new_token()
    credential = Credential.objects.create(
        member=member,
        key_id=key_id,
        secret_hash=secret_hash,
        label=label[:100],
        scopes=_clean_scopes(scopes),
        expires_at=expires_at,
        allowed_ips=_clean_ips(allowed_ips),
    )
    _audit(
        actor,
        "credential.issued",
        target=credential.display,
        member=member,
        after={"scopes": credential.scopes, "label": credential.label},
    )
    return credential, token


@transaction.atomic
def revoke_credential(*, credential: Credential, actor=None) -> Credential:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        _audit(actor, "credential.revoked", target=credential.display, member=credential.member)
    return credential


@transaction.atomic
def suspend_member(*, member: Member, actor=None, reason: str = "") -> Member:
    before = member.status
    member.status = Member.Status.SUSPENDED
    member.save(update_fields=["status"])
    _audit(
        actor,
        "member.suspended",
        target=member.slug,
        member=member,
        before={"status": before},
        after={"status": member.status, "reason": reason},
    )
    return member


@transaction.atomic
def set_named_publicly(*, member: Member, named: bool, actor=None) -> Member:
    """Record the member's consent (or its withdrawal) to be named on the public list of
    participating platforms."""
    before = member.named_publicly
    member.named_publicly = named
    member.save(update_fields=["named_publicly"])
    _audit(
        actor,
        "member.named_publicly",
        target=member.slug,
        member=member,
        before={"named_publicly": before},
        after={"named_publicly": named},
    )
    return member


@transaction.atomic
def reactivate_member(*, member: Member, actor=None) -> Member:
    before = member.status
    member.status = Member.Status.ACTIVE
    member.save(update_fields=["status"])
    _audit(
        actor,
        "member.reactivated",
        target=member.slug,
        member=member,
        before={"status": before},
        after={"status": member.status},
    )
    return member


@transaction.atomic
def invite_user(
    *, member: Member, username: str, email: str = "", actor=None
) -> tuple[MemberUser, str]:
    """A portal account without a password and a one-time invitation code to set one (and
    enrol the second factor) at /portal/invitation/."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise Conflict(
            _("The username %(username)s is taken.") % {"username": repr(username)},
            code=MemberErrorCode.USERNAME_TAKEN,
        )
    user = User(username=username, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    member_user = MemberUser.objects.create(user=user, member=member)
    code = _new_invitation(member_user)
    _audit(actor, "member.user_invited", target=username, member=member)
    return member_user, code


def _new_invitation(member_user: MemberUser) -> str:
    code = secrets.token_urlsafe(24)
    member_user.invitation_hash = make_password(code)
    member_user.invited_at = timezone.now()
    member_user.accepted_at = None
    member_user.save(update_fields=["invitation_hash", "invited_at", "accepted_at"])
    return f"{member_user.pk}.{code}"


@transaction.atomic
def accept_invitation(*, invitation: str, password: str):
    """Set the invited user's password; returns the user, who must then enrol a TOTP device.

    The invitation is not consumed here but by `complete_enrolment`, once the second factor is
    confirmed: someone who leaves on the QR page opens the invitation again, or signs in with the
    new password and is taken back to enrolment, until the invitation expires."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    pk, _dot, code = invitation.partition(".")
    member_user = (
        MemberUser.objects.select_for_update().filter(pk=pk if pk.isdigit() else 0).first()
    )
    if (
        member_user is None
        or not selectors.invitation_pending(member_user)
        or not check_password(code, member_user.invitation_hash)
    ):
        raise NotFound(
            _("This invitation is unknown, used or expired."),
            code=MemberErrorCode.INVALID_INVITATION,
        )
    try:
        validate_password(password, member_user.user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code=MemberErrorCode.WEAK_PASSWORD) from None
    member_user.user.set_password(password)
    member_user.user.save(update_fields=["password"])
    return member_user.user


@transaction.atomic
def complete_enrolment(*, member_user: MemberUser) -> MemberUser:
    """The second factor is confirmed: the invitation is used up and the user has joined."""
    member_user = MemberUser.objects.select_for_update().get(pk=member_user.pk)
    member_user.invitation_hash = ""
    member_user.accepted_at = timezone.now()
    member_user.save(update_fields=["invitation_hash", "accepted_at"])
    return member_user


@transaction.atomic
def reinvite_user(*, member_user: MemberUser, actor=None) -> str:
    """A fresh invitation (the old code stops working) for a user who has not joined yet, e.g.
    whose invitation expired; returns the new code, shown once."""
    member_user = (
        MemberUser.objects.select_for_update().select_related("user").get(pk=member_user.pk)
    )
    if member_user.accepted_at is not None:
        raise Conflict(
            _("%(username)s has already joined; reset their sign-in instead.")
            % {"username": member_user.user.get_username()},
            code=MemberErrorCode.ALREADY_JOINED,
        )
    member_user.user.set_unusable_password()
    member_user.user.save(update_fields=["password"])
    code = _new_invitation(member_user)
    _audit(
        actor,
        "member.user_reinvited",
        target=member_user.user.get_username(),
        member=member_user.member,
    )
    return code


@transaction.atomic
def reset_portal_user(*, member_user: MemberUser, actor=None) -> str:
    """Start a portal user over (a lost phone, a departed colleague's handover): their password
    and every authenticator are removed, which also ends their sessions, and a new invitation
    (shown once) lets them set both again. Returns the invitation code."""
    member_user = (
        MemberUser.objects.select_for_update().select_related("user").get(pk=member_user.pk)
    )
    user = member_user.user
    devices = TOTPDevice.objects.filter(user=user).delete()[0]
    user.set_unusable_password()  # changes the session hash: signed-in sessions end
    user.save(update_fields=["password"])
    code = _new_invitation(member_user)
    _audit(
        actor,
        "member.user_reset",
        target=user.get_username(),
        member=member_user.member,
        after={"authenticators_removed": devices},
    )
    return code


def authenticate(*, token: str, ip: str | None) -> Credential:
    """The credential a token names, if it may be used now from `ip`; else a coded error.

    Cheapest refusal first, so that a request with a bad token costs the bank almost nothing: a
    client (an IPv4 address or IPv6 /64, keyed by HMAC; and its /48) that failed too often is
    refused anything but a valid HMAC token; revocation, expiry and the member's status are
    checked before the secret; the secret is one HMAC compared in constant time. A legacy PBKDF2
    hash is checked only while its key id and client are under the failed-attempt limits, and
    upgraded once it matched and the address is allowed. Failures counted: malformed tokens, unknown key ids and wrong secrets (a genuine
    but refused credential is not a guess, and must not lock its own member's host out). The
    failure counters are read (one Redis round trip) only when an answer depends on them, so a
    valid HMAC token, every member's poll, costs none.
    """
    clients = _client_limits(ip)
    parsed = tokens.parse(token)
    key_limit = _key_limit(parsed[0]) if parsed is not None else None
    window = settings.HASHBANK_AUTH_FAILURE_WINDOW
    counters = [dict(scope=sc, subject=su, limit=li, window=window) for sc, su, li in clients]

    @cache
    def retries() -> tuple[int | None, int | None]:
        """(the client's, the key id's) Retry-After if past its failures: every failure counter
        this request falls under, read in one Redis round trip, and only when an answer depends
        on them (a refusal, or a legacy hash): a valid HMAC token never waits for Redis here."""
        # Remembered: a client found past its limit is refused by `refusal_for_known_client`, in
        # this process, until the window ends, without Redis or the middlewares and DRF.
        found = ratelimit.retry_after_each(
            counters + ([key_limit] if key_limit else []), remember=True
        )
        key_retry = found[len(counters)] if key_limit else None
        # A client past its failures keeps its one right: a valid HMAC token still works (one
        # indexed read and one HMAC), so a neighbour in the same /48, or everyone behind a
        # misconfigured proxy, cannot lock a member out. Everything else from it is refused
        # (a malformed token unread).
        return next((r for r in found[: len(counters)] if r is not None), None), key_retry

    def refuse(message: str, key_limit: dict | None = None) -> NoReturn:
        client_retry = retries()[0]
        if client_retry is not None:
            raise _too_many("from this address", client_retry)
        _record_failure(clients, key_limit)
        raise InvalidCredential(message)

    if parsed is None:
        refuse("The token is malformed; expected hbk_<key id>_<secret>.")
    key_id, secret = parsed
    credential = storage.credential_by_key_id(key_id)
    if credential is None:
        refuse("The token is not a valid credential.")
    if credential.is_revoked:
        raise CredentialRefused(
            "This credential has been revoked.", code=MemberErrorCode.CREDENTIAL_REVOKED
        )
    if credential.is_expired():
        raise CredentialRefused(
            "This credential has expired.", code=MemberErrorCode.CREDENTIAL_EXPIRED
        )
    if not credential.member.is_active:
        raise MemberSuspended("This member is suspended; contact the bank.")
    legacy = tokens.is_legacy(credential.secret_hash)
    if legacy and any(r is not None for r in retries()):
        # The one costly check left (PBKDF2) is never run for a key id or client under attack.
        client_retry, key_retry = retries()
        raise _too_many("for this credential", key_retry or client_retry)
    if not tokens.verify(key_id, secret, credential.secret_hash):
        client_retry, key_retry = retries()
        if key_retry is not None and client_retry is None:
            _record_failure(clients, key_limit)
            raise _too_many("for this credential", key_retry)
        refuse("The token is not a valid credential.", key_limit)
    if credential.allowed_ips and not _ip_allowed(ip, credential.allowed_ips):
        raise CredentialRefused(
            "This credential may not be used from this address.",
            code=MemberErrorCode.IP_NOT_ALLOWED,
        )
    if legacy:
        _upgrade_hash(credential, key_id, secret)
    _touch(credential)
    return credential


class KnownClientRefusal(NamedTuple):
    """What `refusal_for_known_client` found: the refusal, and the counter subject it was found
    by (a keyed hash of the client's address or network, to tell clients apart; never logged)."""

    error: TooManyFailedAttempts
    client: str


def refusal_for_known_client(
    *, token: str, ip: str | None, read: bool = True
) -> KnownClientRefusal | None:
    """The refusal `authenticate` would raise for `token` from `ip`, when this process has already
    found that client past its failed-attempt limit in the current window; decided without Redis
    (`ratelimit.known_retry_after`) so that a flood of bad tokens costs little. None whenever
    `authenticate` must decide: a client not known to be past its limit, and the tokens it
    answers otherwise (a genuine HMAC token, a revoked or expired credential, a suspended
    member, a legacy hash). Records nothing, as `authenticate` records nothing for such a client.
    The credential's row may be up to a second old (`_recent_credential`). With `read=False` the
    database is never touched: a key id whose row is not kept from the last second gives None
    (the WSGI layer in front of Django, member_portal/api/early_refusal.py, then lets Django
    decide, which reads it).
    """
    found = next(
        (
            (r, subject)
            for scope, subject, _ in _client_limits(ip)
            if (r := ratelimit.known_retry_after(scope=scope, subject=subject)) is not None
        ),
        None,
    )
    if found is None:
        return None
    parsed = tokens.parse(token)
    if parsed is not None:
        credential = _recent_credential(parsed[0], read=read)
        if credential is _NOT_KEPT:
            return None
        if credential is not None and (
            credential.is_revoked
            or credential.is_expired()
            or not credential.member.is_active
            or tokens.is_legacy(credential.secret_hash)
            or tokens.verify(*parsed, credential.secret_hash)
        ):
            return None
    return KnownClientRefusal(_too_many("from this address", found[0]), found[1])


# The credential rows the early refusal read in the last second, by key id (None: no such key id).
# A flood names a few real key ids over and over; reading each once a second instead of on every
# request takes the database off the refusal's path. What it can change, for a second at most: a
# wrong secret for a credential revoked (or a member suspended) meanwhile is answered 429 rather
# than credential_revoked; a genuine token always goes on to `authenticate`, which reads the row.
RECENT_CREDENTIAL_SECONDS = 1.0
RECENT_CREDENTIALS_MAX = 10_000
_recent: dict[str, tuple[float, Credential | None]] = {}
_NOT_KEPT = object()


def _recent_credential(key_id: str, *, read: bool = True):
    """The credential row of `key_id` read in the last second (or now, with `read`); else
    `_NOT_KEPT`."""
    now = monotonic()
    entry = _recent.get(key_id)
    if entry is not None and now - entry[0] < RECENT_CREDENTIAL_SECONDS:
        return entry[1]
    if not read:
        return _NOT_KEPT
    credential = storage.credential_by_key_id(key_id)
    if len(_recent) >= RECENT_CREDENTIALS_MAX:
        _recent.clear()
    _recent[key_id] = (now, credential)
    return credential


def reset_process_state() -> None:
    """Forget the credential rows the early refusal read (for tests)."""
    _recent.clear()


def _client_limits(ip: str | None) -> list[tuple[str, str, int]]:
    """(scope, subject, limit) of each failed-attempt counter the client at `ip` falls under:
    its own (IPv4 address or IPv6 /64) and, for IPv6, its /48 with a higher limit."""
    limit = settings.HASHBANK_AUTH_FAILURES_PER_CLIENT
    if ip is None or limit <= 0:
        return []
    client, network = client_keys(ip)
    limits = [("auth-fail-client", client, limit)]
    factor = settings.HASHBANK_THROTTLE_48_FACTOR
    if network is not None and factor > 0:
        limits.append(("auth-fail-client/48", network, limit * factor))
    return limits


def _key_limit(key_id: str) -> dict | None:
    limit = settings.HASHBANK_AUTH_FAILURES_PER_KEY
    if limit <= 0:
        return None
    window = settings.HASHBANK_AUTH_FAILURE_WINDOW
    return {"scope": "auth-fail-key", "subject": key_id, "limit": limit, "window": window}


def _record_failure(clients: list[tuple[str, str, int]], key_limit: dict | None = None) -> None:
    window = settings.HASHBANK_AUTH_FAILURE_WINDOW
    for scope, subject, _limit in clients:
        ratelimit.record(scope=scope, subject=subject, window=window)
    if key_limit:
        ratelimit.record(scope=key_limit["scope"], subject=key_limit["subject"], window=window)


def _too_many(where: str, retry_after: int) -> TooManyFailedAttempts:
    return TooManyFailedAttempts(
        f"Too many failed authentications {where}; wait Retry-After seconds.",
        retry_after=retry_after,
    )


def _upgrade_hash(credential: Credential, key_id: str, secret: str) -> None:
    """Replace a legacy PBKDF2 hash by the HMAC form, now that the secret is known to match.
    Conditional on the old value, so that two workers upgrading at once write it once."""
    new = tokens.secret_hash(key_id, secret)
    Credential.objects.filter(pk=credential.pk, secret_hash=credential.secret_hash).update(
        secret_hash=new
    )
    credential.secret_hash = new


def _ip_allowed(ip: str | None, networks: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket's view of an IPv4 client
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _touch(credential: Credential) -> None:
    """Record last use at most once a minute, so a busy member does not write on every pull."""
    now = timezone.now()
    if credential.last_used_at and now - credential.last_used_at < LAST_USED_RESOLUTION:
        return
    Credential.objects.filter(pk=credential.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    credential.last_used_at = now


def record_pull(*, member: Member, size: int) -> None:
    """The member fetched entries up to a checkpoint of `size` (only ever moves forward)."""
    now = timezone.now()
    updated = (
        SyncPosition.objects.filter(member=member)
        .filter(Q(last_pulled_size__isnull=True) | Q(last_pulled_size__lte=size))
        .update(last_pulled_size=size, last_pulled_at=now)
    )
    if not updated:
        SyncPosition.objects.get_or_create(
            member=member, defaults={"last_pulled_size": size, "last_pulled_at": now}
        )


def acknowledge_checkpoint(*, member: Member, size: int):
    """The member says it applied the log up to the checkpoint of `size` (hashbank.receipts keeps
    it). An older size than one already acknowledged is accepted but does not move it back."""
    return receipt_services.acknowledge(member=member, size=size)


def acknowledge_origin(*, member: Member, origin_id: str, size: int):
    """The member reads a mirrored origin's StopNCII facade and applied it up to `size` (0 at its
    first fetch): hashbank.receipts keeps it, and the mirror's facade holds wait for it."""
    return receipt_services.acknowledge_origin(member=member, origin_id=origin_id, size=size)


def post_receipt(*, member: Member, receipt: str) -> selectors.SyncStatus:
    """A signed receipt (hashbank/receipts/services.py): refused for a size never pulled.

    Returns the member's sync status after it, built from the rows this already read (the pull
    position, read once, the applied position the receipt moved, and the latest size read with
    the receipt's checkpoint): a member posting a receipt every minute costs the bank three reads
    fewer than GET /sync."""
    pulled = storage.pull_position(member.pk) or SyncPosition(member=member)
    pulled_size, pulled_at = pulled.last_pulled_size, pulled.last_pulled_at
    recorded = receipt_services.record_receipt(
        member=member, receipt=receipt, pulled_size=pulled_size
    )
    return selectors.SyncStatus(
        member=member,
        latest_size=recorded.latest_size,
        last_pulled_size=pulled_size,
        last_pulled_at=pulled_at,
        last_acked_size=recorded.position.size,
        last_acked_at=recorded.position.at,
    )


def register_receipt_key(*, member: Member, vkey: str, label: str = "", actor=None):
    key = receipt_services.register_key(member=member, vkey=vkey, label=label)
    _audit(
        actor,
        "member.receipt_key_registered",
        target=f"{key.name}+{key.key_id:08x}",
        member=member,
    )
    return key


def revoke_receipt_key(*, member: Member, key_id: int, actor=None):
    key = receipt_services.revoke_key(member=member, key_id=key_id)
    _audit(
        actor, "member.receipt_key_revoked", target=f"{key.name}+{key.key_id:08x}", member=member
    )
    return key
