"""Webhooks: register an endpoint, announce each new checkpoint, deliver with retries.

`notify_new_checkpoint(checkpoint)` runs after every seal (receivers.py connects it to the
ledger's `checkpoint_published`); it records one delivery per active endpoint, and the receiver
queues `tasks.deliver_webhook` for each once they are committed.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hashbank.audit.services import record_event
from hashbank.core.errors import DomainError
from member_portal.members.models import Member
from member_portal.webhooks import signing
from member_portal.webhooks.errors import WebhookErrorCode
from member_portal.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
MAX_ENDPOINTS = 5
TIMEOUT_SECONDS = 10


def _audit(actor, action: str, endpoint: WebhookEndpoint) -> None:
    if actor is None:
        return

    record_event(actor=actor, action=action, target=endpoint.url, member=endpoint.member)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https"} if getattr(settings, "PRODUCTION", False) else {"https", "http"}
    if parts.scheme not in allowed or not parts.hostname or len(url) > 500:
        raise DomainError(
            "The webhook URL must be an https:// address.",
            code=WebhookErrorCode.INVALID_WEBHOOK_URL,
        )


@transaction.atomic
def add_endpoint(*, member: Member, url: str, actor=None) -> WebhookEndpoint:
    url = url.strip()
    _check_url(url)
    if member.webhooks.filter(is_active=True).count() >= MAX_ENDPOINTS:
        raise DomainError(
            f"At most {MAX_ENDPOINTS} webhooks per member.", code=WebhookErrorCode.TOO_MANY_WEBHOOKS
        )
    endpoint = WebhookEndpoint.objects.create(
        member=member, url=url, secret=f"whsec_{secrets.token_urlsafe(32)}"
    )
    _audit(actor, "webhook.added", endpoint)
    return endpoint


@transaction.atomic
def remove_endpoint(*, endpoint: WebhookEndpoint, actor=None) -> None:
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    _audit(actor, "webhook.removed", endpoint)


def _body(checkpoint) -> str:
    return json.dumps(
        {
            "event": "checkpoint.new",
            "origin": settings.HASHBANK_ORIGIN,
            "size": checkpoint.size,
            "checkpoint": checkpoint.note,
            "checkpoint_url": f"{settings.HASHBANK_PUBLIC_URL}/api/v1/checkpoint",
        },
        separators=(",", ":"),
    )


@transaction.atomic
def notify_new_checkpoint(checkpoint) -> list[int]:
    """Record a delivery per active endpoint of an active member and queue them (idempotent:
    calling twice for one checkpoint sends once). Returns the ids of the new deliveries, which
    the caller queues (receivers.deliver_after_publish) once they are committed."""
    return _record_deliveries(_body(checkpoint), checkpoint.size, "")


@transaction.atomic
def notify_mirrored_checkpoint(*, origin: str, origin_id: str, size: int, note: str) -> list[int]:
    """The same for a mirrored origin's new checkpoint (hashbank.mirrors' `mirror_advanced`):
    the body names that origin and its per-origin checkpoint URL, so that a member syncs it now
    rather than at its next poll."""
    body = json.dumps(
        {
            "event": "checkpoint.new",
            "origin": origin,
            "size": size,
            "checkpoint": note,
            "checkpoint_url": (
                f"{settings.HASHBANK_PUBLIC_URL}/api/v1/origins/{origin_id}/checkpoint"
            ),
        },
        separators=(",", ":"),
    )
    return _record_deliveries(body, size, origin_id)


def _record_deliveries(body: str, size: int, origin_id: str) -> list[int]:
    queued = []
    endpoints = WebhookEndpoint.objects.filter(is_active=True, member__status=Member.Status.ACTIVE)
    for endpoint in endpoints:
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            event="checkpoint.new",
            origin_id=origin_id,
            checkpoint_size=size,
            defaults={"body": body},
        )
        if created:
            queued.append(delivery.pk)
    return queued


TEST_EVENT = "webhook.test"


@transaction.atomic
def send_test(*, endpoint: WebhookEndpoint, latest_size: int | None, actor=None) -> WebhookDelivery:
    """Record a test delivery to `endpoint` (event `webhook.test`, signed like every delivery,
    naming the latest checkpoint's size without its note); the caller queues it after commit.
    A test delivery's `checkpoint_size` is its ordinal, negative (-1, -2, ...), so that it never
    takes the place of a real checkpoint's. Audited (`webhook.test_sent`)."""
    WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
    earlier = WebhookDelivery.objects.filter(endpoint=endpoint, event=TEST_EVENT).count()
    body = json.dumps(
        {
            "event": TEST_EVENT,
            "origin": settings.HASHBANK_ORIGIN,
            "size": latest_size,
            "checkpoint_url": f"{settings.HASHBANK_PUBLIC_URL}/api/v1/checkpoint",
        },
        separators=(",", ":"),
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=TEST_EVENT, checkpoint_size=-(earlier + 1), body=body
    )
    _audit(actor, "webhook.test_sent", endpoint)
    return delivery


def pinned_address(host: str, port: int) -> str:
    """The one address a delivery connects to: `host` resolved once, here.

    In production every address the name resolves to must be public (not private, loopback,
    link-local, reserved or multicast: `is_global`), or the delivery fails. The connection then
    goes to that address, with the name kept for the Host header, SNI and the certificate check:
    a second lookup by the HTTP client could be answered differently (DNS rebinding: a public
    address for the check, 127.0.0.1 for the connection) and reach the bank's own network.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise OSError("the webhook host has no address")
    if getattr(settings, "PRODUCTION", False):
        for ip in addresses:
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global or ip.is_multicast:
                raise OSError("the webhook host resolves to a non-public address")
    return str(addresses[0])


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url` over a connection to its pinned address; the status code."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = pinned_address(host, port)
    timeout = urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS)
    if https:
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    default_port = port == (443 if https else 80)
    netloc = host if ":" not in host else f"[{host}]"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body,
            headers={**headers, "Host": netloc if default_port else f"{netloc}:{port}"},
            redirect=False,
            retries=False,
            assert_same_host=False,
        )
        return response.status
    finally:
        pool.close()


def deliver(*, delivery_id: int) -> bool:
    """One attempt. True when delivered (or nothing to do); False when it should be retried.

    What went wrong stays in `last_error` for the bank's staff; members see only delivered,
    retrying or failed (the remote's answer would make the webhook a probe of other hosts)."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "endpoint__member").get(
        pk=delivery_id
    )
    endpoint = delivery.endpoint
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return True
    if not endpoint.is_active or not endpoint.member.is_active:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.last_error = "endpoint removed or member suspended"
        delivery.save(update_fields=["status", "last_error"])
        return True
    body = delivery.body.encode()
    code, error = None, ""
    try:
        code = _post(
            endpoint.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "hashbank-webhooks/1",
                signing.HEADER: signing.sign(endpoint.secret, body),
                "Hashbank-Delivery": str(delivery.pk),
            },
        )
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        error = type(exc).__name__
    ok = code is not None and 200 <= code < 300
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.last_status_code = code
    delivery.last_error = error or ("" if ok else f"HTTP {code}")
    if ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = delivery.last_attempt_at
    delivery.save()
    if not ok:
        log.info(
            "webhook delivery %s attempt %s failed: %s",
            delivery.pk,
            delivery.attempts,
            delivery.last_error,
        )
    return ok


def give_up(*, delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED
    )
