"""Member platforms, their portal users, their API credentials and their sync position."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

SCOPE_FEED_READ = "feed:read"
SCOPE_REPORTS_WRITE = "reports:write"
SCOPES = (SCOPE_FEED_READ, SCOPE_REPORTS_WRITE)


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    # The member agreed to be named on the public "participating platforms" page; not by default.
    named_publicly = models.BooleanField(default=False)

    class Kind(models.TextChoices):
        PLATFORM = "platform"
        # A peer bank (docs/federation.md): reads the whole feed with payloads to mirror it and
        # calls the peer API; not a platform (not counted as one, never on the public list).
        PEER = "peer"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PLATFORM)

    def __str__(self) -> str:
        return self.slug

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_peer(self) -> bool:
        return self.kind == self.Kind.PEER


class MemberUser(models.Model):
    """A person who signs in to the member portal for one member organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_user"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="users")
    # The invitation is a one-time secret, stored like a password; cleared once accepted.
    invitation_hash = models.CharField(max_length=256, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)


class Credential(models.Model):
    """An API credential. The token is `hbk_<key_id>_<secret>`; only an HMAC of the secret under
    the server's token key is stored (older rows: a PBKDF2 hash, replaced on first use; see
    tokens.py). The key id is not secret: it finds the row, the hash proves the secret."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="credentials")
    key_id = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=256)
    label = models.CharField(max_length=100, blank=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(null=True, blank=True)
    allowed_ips = models.JSONField(default=list, blank=True)  # CIDR strings; empty = anywhere
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "revoked_at"])]

    def __str__(self) -> str:
        return f"hbk_{self.key_id}_…"

    @property
    def display(self) -> str:
        return f"hbk_{self.key_id}_…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired()


class SyncPosition(models.Model):
    """How far a member has pulled. What it says it applied (acknowledgements and receipts) is
    the domain's: hashbank.receipts.AppliedPosition, which the victim page and the purge read."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="sync_position")
    last_pulled_size = models.BigIntegerField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
