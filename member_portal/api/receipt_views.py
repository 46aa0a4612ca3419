"""Receipts and receipt keys: what a member says it applied, signed (docs/member-guide.md, 5)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from hashbank.core.errors import NotFound
from hashbank.receipts.errors import ReceiptErrorCode
from hashbank.receipts.services import MAX_RECEIPT_CHARS
from member_portal.api import serializers as s
from member_portal.api.base import MemberAPIView
from member_portal.api.schema import BODY_ERRORS, errors
from member_portal.api.views import sync_position
from member_portal.members import selectors as member_selectors
from member_portal.members import services as member_services
from member_portal.members.models import SCOPE_FEED_READ


def _key(key) -> dict:
    return {
        "vkey": member_selectors.receipt_vkey(key),
        "key_id": f"{key.key_id:08x}",
        "label": key.label,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def _receipt_field(data) -> str:
    """The body's `receipt`: a string of at most MAX_RECEIPT_CHARS without NUL or surrogates
    (what s.ReceiptInput accepts, checked here without building it); anything else is worded by
    the serializer, field by field."""
    receipt = data.get("receipt") if isinstance(data, dict) else None
    if isinstance(receipt, str) and len(receipt) <= MAX_RECEIPT_CHARS and "\x00" not in receipt:
        try:
            receipt.encode()  # a lone surrogate does not encode
            return receipt
        except UnicodeEncodeError:
            pass
    checked = s.ReceiptInput(data=data)
    checked.is_valid(raise_exception=True)
    return checked.validated_data["receipt"]


class ReceiptView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="post_receipt",
        description=(
            "A signed receipt: the checkpoint note you verified, with one more line, a C2SP "
            'tlog-cosignature/v1 by one of your receipt keys ("every add and remove up to this '
            'size is applied to our matching"). Moves your acknowledged position.'
        ),
        request=s.ReceiptInput,
        responses={
            200: s.SyncPosition,
            **errors(
                BODY_ERRORS,
                e400=(
                    "malformed_receipt",
                    "receipt_wrong_origin",
                    "receipt_checkpoint_mismatch",
                    "receipt_key_not_registered",
                    "invalid_receipt_signature",
                    "receipt_time_in_future",
                ),
                e404=("unknown_checkpoint",),
                e409=("checkpoint_not_pulled", "stale_receipt"),
            ),
        },
    )
    def post(self, request):
        status = member_services.post_receipt(
            member=request.user.member, receipt=_receipt_field(request.data)
        )
        return Response(sync_position(status))


class ReceiptKeysView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(operation_id="receipt_keys", responses={200: s.ReceiptKeys, **errors()})
    def get(self, request):
        keys = member_selectors.receipt_keys(request.user.member)
        return Response({"keys": [_key(k) for k in keys]})

    @extend_schema(
        operation_id="register_receipt_key",
        request=s.ReceiptKeyInput,
        responses={
            201: s.ReceiptKey,
            **errors(
                BODY_ERRORS,
                e400=("invalid_receipt_key",),
                e409=("receipt_key_exists", "too_many_receipt_keys"),
            ),
        },
    )
    def post(self, request):
        data = s.ReceiptKeyInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = member_services.register_receipt_key(
            member=request.user.member,
            vkey=data.validated_data["vkey"],
            label=data.validated_data.get("label", ""),
            actor=f"api:{request.user.member.slug}",
        )
        return Response(_key(key), status=201)


class ReceiptKeyView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="revoke_receipt_key",
        parameters=[OpenApiParameter("key_id", str, OpenApiParameter.PATH, description="8 hex")],
        responses={200: s.ReceiptKey, **errors(e404=("unknown_receipt_key",))},
    )
    def delete(self, request, key_id: str):
        if len(key_id) != 8 or not all(c in "0123456789abcdef" for c in key_id):
            raise NotFound("No such receipt key.", code=ReceiptErrorCode.UNKNOWN_RECEIPT_KEY)
        key = member_services.revoke_receipt_key(
            member=request.user.member,
            key_id=int(key_id, 16),
            actor=f"api:{request.user.member.slug}",
        )
        return Response(_key(key))
