"""Match reports and disputes for members: POST with an Idempotency-Key, GET one's own only.

A report or dispute names its signal in this bank's own log, or by (origin, seq) in another
bank's log that this bank mirrors: that one is stored here and forwarded to the origin bank
(hashbank.forwarding), and read back with `?origin=` (docs/peer-api.md)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from hashbank.benign import services as benign_services
from hashbank.core.errors import DomainError
from hashbank.core.numbers import parse_whole
from hashbank.disputes import selectors as dispute_selectors
from hashbank.disputes import services as dispute_services
from hashbank.disputes.errors import DisputeErrorCode
from hashbank.forwarding import selectors as forwarding
from hashbank.forwarding import services as forwarding_services
from hashbank.forwarding.models import Forward
from member_portal.api.base import MemberAPIView, min_wait_seconds, path_id
from member_portal.api.schema import BODY_ERRORS, errors
from member_portal.members.models import SCOPE_REPORTS_WRITE
from member_portal.reports import selectors, services
from member_portal.reports import serializers as s
from member_portal.reports.errors import ReportErrorCode

PAGE = 100
# A POST that names a hash by value, with an Idempotency-Key.
SIGNAL_BODY = {
    400: ("invalid_signal", "invalid_idempotency_key"),
    404: ("unknown_signal",),
    409: ("idempotency_key_reused",),
}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Retries with the same key and body return the first result.",
)
ORIGIN_PARAM = OpenApiParameter(
    "origin",
    str,
    description="the origin (or its 64-hex id) the items are about; default this bank's own",
)
LIST_PARAMS = [
    OpenApiParameter("before", int, description="list items with a smaller id (next page)"),
    ORIGIN_PARAM,
]


def _mirrored_origin(request) -> str | None:
    """The id of another origin named by `?origin=`, or None for this bank's own."""
    named = request.query_params.get("origin")
    return None if forwarding.is_own(named) else forwarding.named_origin_id(named)


def _own_signal(fields: dict) -> dict:
    """The service's arguments for a signal of our own log: by (origin, seq), or as it came."""
    origin, seq = fields.pop("origin"), fields.pop("seq")
    if seq is None:
        return fields
    signal_type, value = fields.pop("signal_type"), fields.pop("value")
    fields["signal"] = forwarding.own_signal_at(
        origin=origin, seq=seq, signal_type=signal_type, value=value
    )
    return fields


def _created(created: bool) -> int:
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK


def _page(request, queryset):
    before = request.query_params.get("before")
    if before is not None:
        cursor = parse_whole(before)
        if cursor is None:
            raise DomainError(
                "before must be a non-negative whole number.", code=ReportErrorCode.INVALID_CURSOR
            )
        queryset = queryset.filter(pk__lt=cursor)
    items = list(queryset[: PAGE + 1])
    more = len(items) > PAGE
    items = items[:PAGE]
    return items, (items[-1].pk if more else None)


class MatchReportListView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE
    names_signals = True  # POST: feed:read too (api.authentication.HasScope)

    @extend_schema(
        operation_id="list_match_reports",
        parameters=LIST_PARAMS,
        responses={200: s.MatchReportList, **errors(e400=("invalid_cursor",))},
    )
    def get(self, request):
        member = request.user.member
        origin_id = _mirrored_origin(request)
        if origin_id is None:
            items, next_before = _page(request, selectors.reports_for_member(member))
            reports = s.MatchReportOutput(items, many=True).data
        else:
            forwards = forwarding.forwards_for_member(member, origin_id)
            items, next_before = _page(request, forwards.filter(kind=Forward.Kind.REPORT))
            reports = s.ForwardedReportOutput(items, many=True).data
        return Response(
            {"min_wait": min_wait_seconds(), "next_before": next_before, "reports": reports}
        )

    @extend_schema(
        operation_id="submit_match_report",
        request=s.MatchReportInput,
        parameters=[IDEMPOTENCY],
        responses={
            200: s.MatchReportOutput,
            201: s.MatchReportOutput,
            **errors(BODY_ERRORS, SIGNAL_BODY, e400=("invalid_action", "invalid_distance")),
        },
    )
    def post(self, request):
        data = s.MatchReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = request.headers.get("Idempotency-Key")
        if not forwarding.is_own(fields["origin"]):
            forward, created = forwarding_services.forward_report(
                member=request.user.member, idempotency_key=key, **fields
            )
            forward.refresh_from_db()  # delivered by now when tasks run in-process
            return Response(s.ForwardedReportOutput(forward).data, status=_created(created))
        report, created = services.submit_report(
            member=request.user.member, idempotency_key=key, **_own_signal(fields)
        )
        return Response(s.MatchReportOutput(report).data, status=_created(created))


class MatchReportDetailView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE

    @extend_schema(
        operation_id="get_match_report",
        parameters=[OpenApiParameter("report_id", int, OpenApiParameter.PATH), ORIGIN_PARAM],
        responses={200: s.MatchReportOutput, **errors(e404=("unknown_report",))},
    )
    def get(self, request, report_id: str):
        report_pk = path_id(report_id, code=ReportErrorCode.UNKNOWN_REPORT)
        origin_id = _mirrored_origin(request)
        if origin_id is not None:
            forward = forwarding.forward_for_member(
                request.user.member, kind=Forward.Kind.REPORT, origin_id=origin_id, pk=report_pk
            )
            return Response(s.ForwardedReportOutput(forward).data)
        report = selectors.report_for_member(request.user.member, report_pk)
        return Response(s.MatchReportOutput(report).data)


class DisputeListView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE
    names_signals = True  # POST: feed:read too (api.authentication.HasScope)

    @extend_schema(
        operation_id="list_disputes",
        parameters=LIST_PARAMS,
        responses={200: s.DisputeList, **errors(e400=("invalid_cursor",))},
    )
    def get(self, request):
        member = request.user.member
        origin_id = _mirrored_origin(request)
        if origin_id is None:
            items, next_before = _page(request, dispute_selectors.disputes_for_member(member))
            disputes = s.DisputeOutput(items, many=True).data
        else:
            forwards = forwarding.forwards_for_member(member, origin_id)
            items, next_before = _page(request, forwards.filter(kind=Forward.Kind.DISPUTE))
            disputes = s.ForwardedDisputeOutput(items, many=True).data
        return Response(
            {"min_wait": min_wait_seconds(), "next_before": next_before, "disputes": disputes}
        )

    @extend_schema(
        operation_id="raise_dispute",
        request=s.DisputeInput,
        parameters=[IDEMPOTENCY],
        responses={
            200: s.DisputeOutput,
            201: s.DisputeOutput,
            **errors(
                BODY_ERRORS,
                SIGNAL_BODY,
                e400=("invalid_reason", "note_too_long", "description_too_long"),
            ),
        },
    )
    def post(self, request):
        data = s.DisputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = request.headers.get("Idempotency-Key")
        if not forwarding.is_own(fields["origin"]):
            forward, created = forwarding_services.forward_dispute(
                member=request.user.member, idempotency_key=key, **fields
            )
            forward.refresh_from_db()  # delivered by now when tasks run in-process
            return Response(s.ForwardedDisputeOutput(forward).data, status=_created(created))
        dispute, created = dispute_services.raise_dispute(
            member=request.user.member, idempotency_key=key, **_own_signal(fields)
        )
        return Response(s.DisputeOutput(dispute).data, status=_created(created))


class DisputeDetailView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE

    @extend_schema(
        operation_id="get_dispute",
        parameters=[OpenApiParameter("dispute_id", int, OpenApiParameter.PATH), ORIGIN_PARAM],
        responses={200: s.DisputeOutput, **errors(e404=("unknown_dispute",))},
    )
    def get(self, request, dispute_id: str):
        dispute_pk = path_id(dispute_id, code=DisputeErrorCode.UNKNOWN_DISPUTE)
        origin_id = _mirrored_origin(request)
        if origin_id is not None:
            forward = forwarding.forward_for_member(
                request.user.member, kind=Forward.Kind.DISPUTE, origin_id=origin_id, pk=dispute_pk
            )
            return Response(s.ForwardedDisputeOutput(forward).data)
        dispute = dispute_selectors.dispute_for_member(request.user.member, dispute_pk)
        return Response(s.DisputeOutput(dispute).data)


class BenignListView(MemberAPIView):
    """Contribute a hash of lawful, widely shared content: submissions near it are held for a
    caseworker (docs/member-guide.md, "The benign list")."""

    required_scope = SCOPE_REPORTS_WRITE
    names_signals = True  # it answers whether a value is in the feed: feed:read too

    @extend_schema(
        operation_id="contribute_benign_hash",
        request=s.BenignInput,
        responses={
            200: s.BenignOutput,
            201: s.BenignOutput,
            **errors(BODY_ERRORS, SIGNAL_BODY, e409=("value_in_feed",)),
        },
    )
    def post(self, request):
        data = s.BenignInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = request.user.member
        benign, created = benign_services.contribute(
            signal_type=data.validated_data["signal_type"],
            value=data.validated_data["value"],
            source="member",
            contributed_by=f"member {member.slug}",
            note=data.validated_data["note"],
        )
        return Response(
            s.BenignOutput(benign).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
