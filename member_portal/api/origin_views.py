"""The origins this bank carries (its own log and the peers' logs it mirrors), and each origin's
feed under /api/v1/origins/<id>/: the same endpoints, with the same shapes, as the un-prefixed
ones (which are the bank's own origin). docs/member-guide.md, "Origins"."""

from __future__ import annotations

import time
from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from member_portal.api import serializers as s
from member_portal.api import views
from member_portal.api.base import MemberAPIView, min_wait_seconds
from member_portal.api.schema import errors
from member_portal.members.models import SCOPE_FEED_READ
from member_portal.ports import origins as origins_port


class OriginsView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="origins",
        description=(
            "Every origin this bank carries, with the signed origins list that names each one's "
            "trust anchor (signed by this bank's log keys). A bank without peers carries one "
            "origin, its own."
        ),
        responses={200: s.Origins, **errors()},
    )
    def get(self, request):
        now = int(time.time())
        carried = origins_port.carried()
        body = {
            "carrier": origins_port.local_origin(),
            "signed_list": origins_port.signed_list(carried, now) if carried else "",
            "origins": [
                {**asdict(o), "freshness_seconds": o.freshness_seconds(now)} for o in carried
            ],
            "min_wait": min_wait_seconds(),
        }
        response = Response(body)
        response["Cache-Control"] = views.SHORT_LIVED
        return response


_ORIGIN = OpenApiParameter(
    "origin_id", str, OpenApiParameter.PATH, description="hex SHA-256 of the origin line"
)


def _per_origin(view: type, operation_id: str) -> type:
    """`view` under /api/v1/origins/<origin_id>/, as its own operation in the schema."""
    schema = extend_schema_view(
        get=extend_schema(operation_id=f"origin_{operation_id}", parameters=[_ORIGIN])
    )
    return schema(type(f"Origin{view.__name__}", (view,), {"__doc__": view.__doc__}))


OriginCheckpointView = _per_origin(views.CheckpointView, "checkpoint")
OriginEntriesView = _per_origin(views.EntriesView, "entries")
OriginInclusionProofView = _per_origin(views.InclusionProofView, "inclusion_proof")
OriginConsistencyProofView = _per_origin(views.ConsistencyProofView, "consistency_proof")
OriginRootsView = _per_origin(views.RootsView, "root_documents")
OriginSnapshotView = _per_origin(views.LatestSnapshotView, "snapshot")
