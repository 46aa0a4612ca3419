"""A StopNCII-compatible facade, so stock HMA / python-threatexchange sync from us unchanged.

Point the StopNCII exchange's credential string (TX_STOPNCII_KEYS) at us:
`<hbk token>,<member slug>,https://bank.example/api/stopncii/v1`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from hashbank.core.errors import NotFound
from member_portal.api.base import MemberAPIView, int_param
from member_portal.api.errors import ApiErrorCode
from member_portal.api.schema import ERRORS
from member_portal.feed import origins as origin_ids
from member_portal.members import services as member_services
from member_portal.members.models import SCOPE_FEED_READ, SCOPE_REPORTS_WRITE
from member_portal.ports import origins as origins_port
from member_portal.stopncii import selectors, services
from member_portal.stopncii import serializers as s
from member_portal.stopncii.authentication import FunctionKeyAuthentication


def origin_source(origin_id: str | None) -> origins_port.Source:
    """One facade endpoint per carried origin (/api/stopncii/v1/origins/<id>/), so that HMA,
    which maps one exchange to one bank, can switch one origin off. The un-prefixed facade is the
    bank's own origin."""
    if origin_id is None:
        return origins_port.LocalSource()
    source = origins_port.source(origin_id)
    if source is None:
        raise NotFound("This bank carries no origin of that id.", code=ApiErrorCode.UNKNOWN_ORIGIN)
    return source


class FetchHashesView(MemberAPIView):
    authentication_classes = [FunctionKeyAuthentication]
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="stopncii_fetch_hashes",
        tags=["stopncii"],
        parameters=[
            OpenApiParameter("startTimestamp", int, description="unix seconds; changes since"),
            OpenApiParameter("pageSize", int, description=f"at most {selectors.MAX_PAGE}"),
            OpenApiParameter("nextPageToken", str),
        ],
        responses={200: s.FetchHashesResponse, **ERRORS},
    )
    def get(self, request, origin_id: str | None = None):
        source = origin_source(origin_id)
        start = int_param(request, "startTimestamp", required=False, default=0)
        page_size = int_param(request, "pageSize", required=False, default=800, minimum=1)
        token = request.query_params.get("nextPageToken") or None
        applied = None if token else selectors.applied_before(start, source)
        member = request.user.member
        if not source.local and not token:
            # From its first fetch on, the member reads this origin's facade: the mirror keeps
            # each value it blanks for it until it applied the removal (docs/federation.md).
            member_services.acknowledge_origin(
                member=member, origin_id=origin_ids.origin_id(source.origin), size=applied or 0
            )
        elif applied:
            # A stock client's only acknowledgement: it asks for what changed since the time we
            # gave it after its last complete fetch (docs/member-guide.md, "StopNCII facade").
            member_services.acknowledge_checkpoint(member=member, size=applied)
        page = selectors.fetch_page(
            source=source,
            start_timestamp=start,
            page_size=min(page_size, selectors.MAX_PAGE),
            page_token=token,
        )
        return Response(page)


class SubmitFeedbackView(MemberAPIView):
    authentication_classes = [FunctionKeyAuthentication]
    required_scope = SCOPE_REPORTS_WRITE
    names_signals = True  # feed:read too (api.authentication.HasScope)

    @extend_schema(
        operation_id="stopncii_submit_feedback",
        tags=["stopncii"],
        request=s.SubmitFeedbackInput,
        responses={200: s.SubmitFeedbackResponse, **ERRORS},
    )
    def post(self, request, origin_id: str | None = None):
        source = origin_source(origin_id)
        data = s.SubmitFeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        feedbacks = data.validated_data["hashFeedbacks"]
        if not source.local:
            # This bank holds no signal of a mirrored origin to report on by value: a report
            # about one names (origin, seq) on POST /api/v1/reports, which forwards it.
            return Response({"count": len(feedbacks), "accepted": 0, "unknown": len(feedbacks)})
        accepted, unknown = services.submit_feedback(
            member=request.user.member, feedbacks=feedbacks
        )
        return Response({"count": len(feedbacks), "accepted": accepted, "unknown": unknown})


_ORIGIN = OpenApiParameter(
    "origin_id", str, OpenApiParameter.PATH, description="hex SHA-256 of the origin line"
)


@extend_schema_view(
    get=extend_schema(operation_id="stopncii_origin_fetch_hashes", parameters=[_ORIGIN])
)
class OriginFetchHashesView(FetchHashesView):
    """FetchHashes of one origin."""


@extend_schema_view(
    post=extend_schema(operation_id="stopncii_origin_submit_feedback", parameters=[_ORIGIN])
)
class OriginSubmitFeedbackView(SubmitFeedbackView):
    """SubmitFeedback about one origin's hashes."""
