"""The peer API on the origin bank (docs/peer-api.md): a peer bank that mirrors our log forwards
its members' match reports and disputes about our (origin, seq), idempotent by its forwarding
id, and reads a dispute's outcome back. Authenticated with the credential of a member of kind
"peer" (`manage.py createmember SLUG --peer`); a forwarded dispute enters our review queue as
any other, marked as from that peer for its member."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from hashbank.core.errors import Conflict, CoreErrorCode, DomainError, NotFound, PermissionDenied
from hashbank.core.numbers import parse_whole
from hashbank.disputes import selectors as dispute_selectors
from hashbank.disputes import services as dispute_services
from hashbank.forwarding import selectors as forwarding
from hashbank.forwarding.errors import ForwardErrorCode
from member_portal.api.authentication import HasScope
from member_portal.api.base import MemberAPIView
from member_portal.api.schema import ERRORS
from member_portal.members.models import SCOPE_REPORTS_WRITE
from member_portal.ports import origins as origins_port
from member_portal.reports import peer_serializers as s
from member_portal.reports import services

# A forwarded report or dispute is a few hundred bytes; its note at most 2,000 characters.
MAX_BODY_BYTES = 16 * 1024


class IsPeer(HasScope):
    """The credential's scope and rate limit, and its member must be a peer bank."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        if not request.user.member.is_peer:
            raise PermissionDenied(
                "The peer API takes a peer bank's credential, not a platform's.",
                code=ForwardErrorCode.NOT_A_PEER,
            )
        return True


class PeerAPIView(MemberAPIView):
    permission_classes = [IsPeer]
    required_scope = SCOPE_REPORTS_WRITE

    def initial(self, request, *args, **kwargs):
        length = parse_whole(request.META.get("CONTENT_LENGTH") or "0")
        if length is None or length > MAX_BODY_BYTES:
            raise DomainError(
                f"A peer API body is at most {MAX_BODY_BYTES} bytes.",
                code=CoreErrorCode.BODY_TOO_LARGE,
                status=413,
            )
        super().initial(request, *args, **kwargs)


def _signal(data: dict):
    return forwarding.own_signal_at(
        origin=data.pop("origin"),
        seq=data.pop("seq"),
        signal_type=data.pop("signal_type"),
        value=data.pop("value"),
    )


class PeerReportsView(PeerAPIView):
    @extend_schema(
        operation_id="peer_forward_report",
        request=s.ForwardedReportInput,
        responses={200: s.ForwardedReportOutput, 201: s.ForwardedReportOutput, **ERRORS},
    )
    def post(self, request):
        data = s.ForwardedReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        signal = _signal(fields)
        report, created = services.submit_report(
            member=request.user.member,
            signal=signal,
            action=fields["action"],
            matched_at=fields.get("matched_at"),
            distance=fields.get("distance"),
            human_confirmed=fields["human_confirmed"],
            idempotency_key=fields["forward_id"],
            source="peer",
            forwarded_for=fields["member"],
        )
        return Response(
            s.ForwardedReportOutput(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PeerDisputesView(PeerAPIView):
    @extend_schema(
        operation_id="peer_forward_dispute",
        request=s.ForwardedDisputeInput,
        responses={200: s.ForwardedDisputeOutput, 201: s.ForwardedDisputeOutput, **ERRORS},
    )
    def post(self, request):
        data = s.ForwardedDisputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        signal = _signal(fields)
        dispute, created = dispute_services.raise_dispute(
            member=request.user.member,
            signal=signal,
            reason=fields["reason"],
            note=fields["note"],
            content_description=fields["content_description"],
            idempotency_key=fields["forward_id"],
            forwarded_for=fields["member"],
        )
        return Response(
            s.ForwardedDisputeOutput(dispute).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PeerDisputeView(PeerAPIView):
    @extend_schema(
        operation_id="peer_dispute_outcome",
        parameters=[OpenApiParameter("forward_id", str, OpenApiParameter.PATH)],
        responses={200: s.ForwardedDisputeOutput, **ERRORS},
    )
    def get(self, request, forward_id: str):
        dispute = dispute_selectors.forwarded_dispute(request.user.member, forward_id)
        if dispute is None:
            raise NotFound(
                "No dispute with this forwarding id.", code=ForwardErrorCode.UNKNOWN_FORWARD
            )
        return Response(s.ForwardedDisputeOutput(dispute).data)


class PeerNudgeView(PeerAPIView):
    """A bank we mirror tells us it published a checkpoint: its mirror syncs now, not at its next
    interval (docs/peer-api.md, "Nudges"). Idempotent and cheap: a sync is queued only when our
    mirror is behind the size named, at most one per origin at a time, and the sync verifies the
    origin's own checkpoint, so a nudge is a hint, never evidence."""

    @extend_schema(
        operation_id="peer_nudge",
        request=s.NudgeInput,
        responses={202: s.NudgeOutput, **ERRORS},
    )
    def post(self, request):
        data = s.NudgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = origins_port.nudge(data.validated_data["origin"], data.validated_data["size"])
        if found is None:
            raise NotFound(
                "This bank mirrors no origin of that name.", code=ForwardErrorCode.UNKNOWN_ORIGIN
            )
        if found.peer_status != "active":
            raise Conflict(
                "This bank has suspended its peering with that origin.",
                code=ForwardErrorCode.PEER_UNAVAILABLE,
            )
        return Response(
            s.NudgeOutput(
                {
                    "origin": found.origin,
                    "mirrored_size": found.mirrored_size,
                    "queued": found.queued,
                }
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )
