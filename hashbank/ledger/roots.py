"""The bank's keys as members see them: root documents (which keys sign checkpoints), the first
key, rotation with an overlap, and retirement. The private keys stay in files (ledger.keys)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hashbank.core.errors import Conflict
from hashbank.ledger import keys, services
from hashbank.ledger.errors import LedgerErrorCode
from hashbank.ledger.models import RootDocument
from member_portal.feed import note, rootdoc

ROOT_LIFETIME = timedelta(days=365)


def _publish_root(
    version: int, key_list: list[note.Verifier], signers: list[note.Signer]
) -> RootDocument:
    expires = timezone.now() + ROOT_LIFETIME
    text = rootdoc.render(settings.HASHBANK_ORIGIN, version, int(expires.timestamp()), key_list)
    signed = note.sign(text, signers)
    return RootDocument.objects.create(version=version, note=signed, expires_at=expires)


@transaction.atomic
def init_keys() -> RootDocument | None:
    """Create the first signing key and root document; does nothing if a root exists."""
    if RootDocument.objects.exists():
        return None
    signers = keys.all_signers()
    if not signers:
        signer = note.Signer.generate(keys.key_name())
        keys.write_signer(signer)
        signers = [signer]
    return _publish_root(1, [s.verifier for s in signers], signers)


def current_root() -> rootdoc.RootDocument:
    latest = RootDocument.objects.order_by("-version").first()
    if latest is None:
        raise services.NoSigningKey("no root document: run `manage.py keys init`")
    return rootdoc.parse(latest.note)


@transaction.atomic
def rotate_keys() -> tuple[note.Signer, RootDocument]:
    """Add a new key: root version n+1 lists the old and new keys, signed by both (the overlap)."""
    root = current_root()
    loaded = {s.key_id: s for s in keys.all_signers()}
    old = [loaded[v.key_id] for v in root.keys if v.key_id in loaded]
    if not old:
        raise Conflict(
            "none of the current root's private keys is loaded here",
            code=LedgerErrorCode.KEYS_MISSING,
        )
    new = note.Signer.generate(keys.key_name())
    keys.write_signer(new)
    doc = _publish_root(root.version + 1, [*root.keys, new.verifier], [*old, new])
    services.seal(force_sign=True)
    return new, doc


@transaction.atomic
def retire_key(key_id: int) -> RootDocument:
    """Drop a key: root version n+1 without it, signed by the remaining keys and the retiring one."""
    root = current_root()
    remaining = [v for v in root.keys if v.key_id != key_id]
    if len(remaining) == len(root.keys):
        raise Conflict(
            f"key {key_id:08x} is not in the current root", code=LedgerErrorCode.UNKNOWN_KEY
        )
    if not remaining:
        raise Conflict("cannot retire the last key; rotate first", code=LedgerErrorCode.LAST_KEY)
    loaded = {s.key_id: s for s in keys.all_signers()}
    signers = [loaded[v.key_id] for v in root.keys if v.key_id in loaded]
    if not all(v.key_id in loaded for v in remaining):
        raise Conflict(
            "the remaining keys' private keys are not loaded here",
            code=LedgerErrorCode.KEYS_MISSING,
        )
    doc = _publish_root(root.version + 1, remaining, signers)
    keys.retire_signer_file(key_id)
    services.seal(force_sign=True)
    return doc
