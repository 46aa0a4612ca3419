"""Writes of the peers: peering with a bank (pinning its root document against the key the
operator was given out of band), suspending, resuming and removing it, and accepting its later
root documents, only through its own chain (rootdoc.verify_chain). Every change is audited.

`add_peer` talks to the peer before it writes anything, and writes the peer row, the witness's
log (so this bank's witness cosigns the peer: hashbank/witness) and the audit entry in one
transaction; the credential goes to a 0600 file (tokens.py), never to the database.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hashbank.audit import services as audit
from hashbank.peers import client, selectors, tokens
from hashbank.peers.errors import PeerError, PeerErrorCode
from hashbank.peers.models import Peer
from hashbank.witness import services as witness
from member_portal.feed import note, origins, rootdoc

ACTOR = "manage.py"
DISCOVERY = "/.well-known/hashbank"
ROOTS = "/api/v1/roots"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_TOKEN = re.compile(r"[\x21-\x7e]{1,512}")  # one printable ASCII word


def _invalid(message: str) -> PeerError:
    return PeerError(message, code=PeerErrorCode.INVALID_PEER)


def _clean_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise _invalid("the peer URL is http(s)://host[:port][/path], without a query")
    return url.strip().rstrip("/")


def _json(url: str, token: str = "") -> dict:
    try:
        status, _headers, body = client.fetch(url, token=token)
    except client.PeerUnreachable as exc:
        raise PeerError(f"{url}: {exc}", code=PeerErrorCode.UNREACHABLE) from None
    if status != 200:
        raise PeerError(f"{url} answered {status}", code=PeerErrorCode.UNREACHABLE)
    try:
        found = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise PeerError(f"{url} did not answer JSON", code=PeerErrorCode.UNREACHABLE) from None
    if not isinstance(found, dict):
        raise PeerError(f"{url} did not answer a JSON object", code=PeerErrorCode.UNREACHABLE)
    return found


def fetch_root_documents(url: str, token: str) -> list[str]:
    """The peer's root documents, oldest first, as its member API serves them."""
    roots = _json(url + ROOTS, token).get("roots")
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots) or not roots:
        raise PeerError("the peer served no root documents", code=PeerErrorCode.BAD_ROOT_DOCUMENT)
    return roots


def _bad_root(message: str) -> PeerError:
    return PeerError(message, code=PeerErrorCode.BAD_ROOT_DOCUMENT)


def add_peer(
    *, name: str, url: str, credential: str, expect_key: str, actor: object = ACTOR
) -> Peer:
    """Peer with the bank at `url`: its discovery document must name `expect_key` among its log
    keys, and its newest root document must list that key and be signed by every key it lists:
    that document becomes the trust anchor. Its log is added to this bank's witness."""
    if not _NAME.fullmatch(name):
        raise _invalid("a peer name is lowercase letters, digits and hyphens (at most 64)")
    if not _TOKEN.fullmatch(credential.strip()):
        raise _invalid("the credential is one word of printable ASCII")
    credential = credential.strip()
    base = _clean_url(url)
    try:
        pinned = note.Verifier.parse(expect_key)
    except note.NoteError as exc:
        raise _invalid(f"--expect-key: {exc}") from None
    if Peer.objects.filter(name=name).exists():
        raise PeerError(f"a peer named {name} exists", code=PeerErrorCode.PEER_EXISTS)

    found = _json(base + DISCOVERY)
    origin, log_keys = found.get("origin"), found.get("log_keys")
    if not isinstance(origin, str) or not isinstance(log_keys, list):
        raise PeerError(f"{base}{DISCOVERY} is not a bank's", code=PeerErrorCode.UNREACHABLE)
    if str(pinned) not in log_keys:
        raise PeerError(
            f"{origin}'s log keys are {', '.join(map(str, log_keys)) or 'none'}, not {pinned}: "
            "ask the peer's operator for its key again",
            code=PeerErrorCode.KEY_MISMATCH,
        )
    roots = fetch_root_documents(base, credential)
    try:
        anchor = rootdoc.verify_first(roots[-1], [pinned])
    except (rootdoc.RootError, note.NoteError) as exc:
        raise _bad_root(f"the peer's newest root document: {exc}") from None
    if anchor.origin != origin:
        raise _bad_root(f"the root document names {anchor.origin}, the peer says {origin}")
    if anchor.expires <= int(time.time()):
        raise _bad_root(f"the peer's root document version {anchor.version} expired")
    if Peer.objects.filter(origin=origin).exists():
        raise PeerError(f"{origin} is a peer already", code=PeerErrorCode.PEER_EXISTS)

    with transaction.atomic():
        peer = Peer(
            name=name,
            url=base,
            origin=origin,
            origin_id=origins.origin_id(origin),
            anchor_root=anchor.signed,
            anchor_version=anchor.version,
            root_documents=[anchor.signed],
        )
        peer.full_clean()
        peer.save()
        witness.add_log(origin=origin, vkeys=[str(k) for k in anchor.keys], actor=actor)
        audit.record_event(
            actor=actor,
            action="peer.added",
            target=f"peer {name}",
            after={
                "url": base,
                "origin": origin,
                "root_version": anchor.version,
                "keys": [str(k) for k in anchor.keys],
            },
        )
        tokens.write(name, credential)
    return peer


def _locked(name: str) -> Peer:
    peer = Peer.objects.select_for_update().filter(name=name).first()
    if peer is None:
        raise PeerError(
            _("no peer named %(name)s") % {"name": name}, code=PeerErrorCode.UNKNOWN_PEER
        )
    return peer


def _set_status(name: str, status: str, action: str, actor: object) -> Peer:
    with transaction.atomic():
        peer = _locked(name)
        if peer.status == Peer.Status.REMOVED:
            raise PeerError(_("%(name)s was removed") % {"name": name}, code=PeerErrorCode.REMOVED)
        if peer.status == status:
            return peer
        before = peer.status
        peer.status = status
        peer.save(update_fields=["status", "updated_at"])
        audit.record_event(
            actor=actor,
            action=action,
            target=f"peer {name}",
            before={"status": before},
            after={"status": status},
        )
    return peer


def suspend_peer(*, name: str, actor: object = ACTOR) -> Peer:
    """Stop syncing the peer; members keep its last verified state."""
    return _set_status(name, Peer.Status.SUSPENDED, "peer.suspended", actor)


def resume_peer(*, name: str, actor: object = ACTOR) -> Peer:
    return _set_status(name, Peer.Status.ACTIVE, "peer.resumed", actor)


def remove_peer(*, name: str, actor: object = ACTOR) -> Peer:
    """Stop syncing and serving the peer, and delete the credential file. The row stays (and this
    bank's witness keeps its view of the log): a removed origin is not re-added."""
    peer = _set_status(name, Peer.Status.REMOVED, "peer.removed", actor)
    tokens.delete(name)
    return peer


def accept_root_documents(*, peer: Peer, signed: list[str], now: int | None = None) -> bool:
    """Append the peer's later root documents that follow its chain (rootdoc.verify_chain from
    the newest accepted one), and trust their keys at this bank's witness; whether any was new.
    A document that does not follow is refused (BAD_ROOT_DOCUMENT) and nothing is stored."""
    now = int(time.time()) if now is None else now
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=peer.pk)
        current = selectors.trusted_root(peer)
        later = [s for s in signed if _version(s) > current.version]
        if not later:
            return False
        try:
            newest = rootdoc.verify_chain(current, later, now)
        except (rootdoc.RootError, note.NoteError) as exc:
            raise _bad_root(f"{peer.origin}'s root chain: {exc}") from None
        accepted = sorted(later, key=_version)
        peer.root_documents = [*peer.root_documents, *accepted]
        peer.save(update_fields=["root_documents", "updated_at"])
        witness.add_log(origin=peer.origin, vkeys=[str(k) for k in newest.keys], actor=None)
        audit.record_event(
            actor=None,
            action="peer.root_accepted",
            target=f"peer {peer.name}",
            before={"root_version": current.version},
            after={"root_version": newest.version, "keys": [str(k) for k in newest.keys]},
        )
    return True


def _version(signed: str) -> int:
    try:
        return rootdoc.parse(signed).version
    except (rootdoc.RootError, note.NoteError) as exc:
        raise _bad_root(f"a root document does not parse: {exc}") from None
