"""Match reports and disputes for members: POST with an Idempotency-Key, GET one's own only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from hashbank.core.errors import DomainError
from hashbank.core.numbers import parse_whole
from hashbank.disputes import selectors as dispute_selectors
from hashbank.disputes import services as dispute_services
from hashbank.disputes.errors import DisputeErrorCode
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
LIST_PARAMS = [
    OpenApiParameter("before", int, description="list items with a smaller id (next page)"),
]


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
        items, next_before = _page(request, selectors.reports_for_member(request.user.member))
        return Response(
            {
                "min_wait": min_wait_seconds(),
                "next_before": next_before,
                "reports": s.MatchReportOutput(items, many=True).data,
            }
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
        report, created = services.submit_report(
            member=request.user.member,
            idempotency_key=request.headers.get("Idempotency-Key"),
            **data.validated_data,
        )
        return Response(
            s.MatchReportOutput(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MatchReportDetailView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE

    @extend_schema(
        operation_id="get_match_report",
        parameters=[OpenApiParameter("report_id", int, OpenApiParameter.PATH)],
        responses={200: s.MatchReportOutput, **errors(e404=("unknown_report",))},
    )
    def get(self, request, report_id: str):
        report_pk = path_id(report_id, code=ReportErrorCode.UNKNOWN_REPORT)
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
        items, next_before = _page(
            request, dispute_selectors.disputes_for_member(request.user.member)
        )
        return Response(
            {
                "min_wait": min_wait_seconds(),
                "next_before": next_before,
                "disputes": s.DisputeOutput(items, many=True).data,
            }
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
        dispute, created = dispute_services.raise_dispute(
            member=request.user.member,
            idempotency_key=request.headers.get("Idempotency-Key"),
            **data.validated_data,
        )
        return Response(
            s.DisputeOutput(dispute).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DisputeDetailView(MemberAPIView):
    required_scope = SCOPE_REPORTS_WRITE

    @extend_schema(
        operation_id="get_dispute",
        parameters=[OpenApiParameter("dispute_id", int, OpenApiParameter.PATH)],
        responses={200: s.DisputeOutput, **errors(e404=("unknown_dispute",))},
    )
    def get(self, request, dispute_id: str):
        dispute_pk = path_id(dispute_id, code=DisputeErrorCode.UNKNOWN_DISPUTE)
        dispute = dispute_selectors.dispute_for_member(request.user.member, dispute_pk)
        return Response(s.DisputeOutput(dispute).data)
