"""The pull API: checkpoint, entries, proofs, roots and keys, snapshot, sync position."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from hashbank.core.errors import DomainError, NotFound
from member_portal.api import selectors
from member_portal.api import serializers as s
from member_portal.api import services as api_services
from member_portal.api.base import (
    PAYLOAD,
    SEALED,
    SHORT_LIVED,
    MemberAPIView,
    int_param,
    min_wait_seconds,
    path_id,
)
from member_portal.api.errors import ApiErrorCode
from member_portal.api.ranges import file_response
from member_portal.api.schema import BODY_ERRORS, errors
from member_portal.api.services import snapshot_dir
from member_portal.members import selectors as member_selectors
from member_portal.members import services as member_services
from member_portal.members.models import SCOPE_FEED_READ
from member_portal.ports import ledger as ledger_port
from member_portal.ports import origins as origins_port

ENTRIES_PAGE_MAX = 50_000


# The codes of a bad query parameter (api.base.int_param) or range.
PARAMS = ("missing_parameter", "invalid_parameter", "invalid_range")


def entries_page_max() -> int:
    return int(getattr(settings, "HASHBANK_ENTRIES_PAGE_MAX", ENTRIES_PAGE_MAX))


BINARY = "application/octet-stream"


def _checkpoint_or_404(source: origins_port.Source, size: int):
    checkpoint = source.checkpoint_for_size(size)
    if checkpoint is None:
        raise NotFound(f"No checkpoint of size {size}.", code=ApiErrorCode.UNKNOWN_CHECKPOINT)
    return checkpoint


def _latest_or_404(source: origins_port.Source):
    checkpoint = source.latest_checkpoint()
    if checkpoint is None:
        raise NotFound("The ledger has no checkpoint yet.", code=ApiErrorCode.NO_CHECKPOINT)
    return checkpoint


class OriginAPIView(MemberAPIView):
    """A feed endpoint of one origin: the bank's own without `origin_id` in the URL (the
    un-prefixed endpoints), else the carried origin of that id (/api/v1/origins/<id>/...)."""

    def source(self) -> origins_port.Source:
        origin_id = self.kwargs.get("origin_id")
        if origin_id is None:
            return origins_port.LocalSource()
        source = origins_port.source(origin_id)
        if source is None:
            raise NotFound(
                "This bank carries no origin of that id (GET /api/v1/origins lists them).",
                code=ApiErrorCode.UNKNOWN_ORIGIN,
            )
        return source

    def record_pull(self, size: int) -> None:
        # The sync position is the member's position in the bank's own log.
        if self.source().local:
            member_services.record_pull(member=self.request.user.member, size=size)


class CheckpointView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="latest_checkpoint",
        description="The latest checkpoint: a C2SP signed note (text/plain). Short-lived.",
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR),
            **errors(e404=("no_checkpoint",)),
        },
    )
    def get(self, request, origin_id: str | None = None):
        checkpoint = _latest_or_404(self.source())
        note = checkpoint.note
        self.record_pull(checkpoint.size)
        etag = f'"{hashlib.sha256(note.encode()).hexdigest()[:32]}"'
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(note, content_type="text/plain; charset=utf-8")
        response["ETag"] = etag
        response["Cache-Control"] = SHORT_LIVED
        response["Hashbank-Tree-Size"] = str(checkpoint.size)
        return response


class EntriesView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="entries",
        description=(
            "Ledger entries [from, size) in the binary wire encoding (docs/feed-format.md), ending at the "
            f"checkpoint of `size`. At most {ENTRIES_PAGE_MAX} entries a page; when more remain, "
            "`Link: <...>; rel=next` names the next page. Without `size` you are redirected to "
            "the latest checkpoint's URL. Pages carry values, which a purge empties: "
            "Cache-Control: private, no-cache."
        ),
        parameters=[
            OpenApiParameter("from", int, required=True, description="first entry (sequence)"),
            OpenApiParameter("size", int, required=False, description="tree size of a checkpoint"),
        ],
        responses={
            (200, BINARY): OpenApiResponse(OpenApiTypes.BINARY),
            (302, "text/html"): OpenApiResponse(description="to the latest checkpoint"),
            **errors(e400=PARAMS, e404=("unknown_checkpoint", "no_checkpoint")),
        },
    )
    def get(self, request, origin_id: str | None = None):
        source = self.source()
        start = int_param(request, "from")
        size = int_param(request, "size", required=False)
        if size is None:
            latest = _latest_or_404(source)
            response = HttpResponseRedirect(f"{request.path}?from={start}&size={latest.size}")
            response["Cache-Control"] = SHORT_LIVED
            return response
        _checkpoint_or_404(source, size)
        if start > size:
            raise DomainError(
                "`from` is beyond the checkpoint's size.", code=ApiErrorCode.INVALID_RANGE
            )
        end = min(size, start + entries_page_max())
        response = HttpResponse(source.entries_page(start, end), content_type=BINARY)
        response["Cache-Control"] = PAYLOAD
        response["Hashbank-Tree-Size"] = str(size)
        response["Hashbank-Entries"] = f"{start}-{end}"
        if end < size:
            response["Link"] = f'<{request.path}?from={end}&size={size}>; rel="next"'
        else:
            self.record_pull(size)
        return response


class InclusionProofView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="inclusion_proof",
        parameters=[
            OpenApiParameter("index", int, required=True),
            OpenApiParameter("size", int, required=True),
        ],
        responses={200: s.InclusionProof, **errors(e400=PARAMS, e404=("unknown_checkpoint",))},
    )
    def get(self, request, origin_id: str | None = None):
        source = self.source()
        index = int_param(request, "index")
        size = int_param(request, "size", minimum=1)
        _checkpoint_or_404(source, size)
        if index >= size:
            raise DomainError("`index` must be below `size`.", code=ApiErrorCode.INVALID_RANGE)
        hashes = source.inclusion_proof(index, size)
        response = Response(
            {
                "index": index,
                "size": size,
                "hashes": ledger_port.b64_all(hashes),
                "min_wait": min_wait_seconds(),
            }
        )
        response["Cache-Control"] = SEALED
        return response


class ConsistencyProofView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="consistency_proof",
        parameters=[
            OpenApiParameter("old", int, required=True),
            OpenApiParameter("new", int, required=True),
        ],
        responses={200: s.ConsistencyProof, **errors(e400=PARAMS, e404=("unknown_checkpoint",))},
    )
    def get(self, request, origin_id: str | None = None):
        source = self.source()
        old = int_param(request, "old", minimum=1)
        new = int_param(request, "new", minimum=1)
        if old > new:
            raise DomainError("`old` must not exceed `new`.", code=ApiErrorCode.INVALID_RANGE)
        _checkpoint_or_404(source, old)
        _checkpoint_or_404(source, new)
        hashes = source.consistency_proof(old, new)
        response = Response(
            {
                "old_size": old,
                "new_size": new,
                "hashes": ledger_port.b64_all(hashes),
                "min_wait": min_wait_seconds(),
            }
        )
        response["Cache-Control"] = SEALED
        return response


class RootsView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(operation_id="root_documents", responses={200: s.RootDocuments, **errors()})
    def get(self, request, origin_id: str | None = None):
        roots = self.source().root_documents()
        response = Response({"roots": roots, "min_wait": min_wait_seconds()})
        response["Cache-Control"] = "private, max-age=300"
        return response


class KeysView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(operation_id="public_keys", responses={200: s.PublicKeys, **errors()})
    def get(self, request):
        keys = [ledger_port.as_text(key) for key in ledger_port.public_keys()]
        response = Response({"keys": keys, "min_wait": min_wait_seconds()})
        response["Cache-Control"] = "private, max-age=300"
        return response


class LatestSnapshotView(OriginAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="latest_snapshot",
        description="Redirects to the newest snapshot file (/api/v1/snapshots/{size}).",
        responses={
            (302, "text/html"): OpenApiResponse(description="to the snapshot"),
            **errors(e404=("no_snapshot",)),
        },
    )
    def get(self, request, origin_id: str | None = None):
        source = self.source()
        if not source.local:
            return self.mirrored_snapshot(source)
        snapshot = selectors.latest_snapshot()
        if snapshot is None:
            raise NotFound(
                "No snapshot has been built yet; try again later.", code=ApiErrorCode.NO_SNAPSHOT
            )
        response = HttpResponseRedirect(f"/api/v1/snapshots/{snapshot.size}")
        response["Cache-Control"] = SHORT_LIVED
        return response

    def mirrored_snapshot(self, source: origins_port.Source):
        """A mirrored origin's snapshot at its mirrored size (gzip), built on the first request
        for the mirror's state and served from that file after (api/services.py)."""
        for _attempt in range(2):  # a sync may prune the file between the lookup and the read
            snapshot = api_services.mirrored_snapshot(source)
            if snapshot is None:
                break
            try:
                response = file_response(
                    self.request,
                    snapshot_dir() / snapshot.filename,
                    etag=snapshot.etag,
                    content_type="application/gzip",
                    cache_control=PAYLOAD,
                )
            except FileNotFoundError:
                continue
            response["Hashbank-Tree-Size"] = str(snapshot.size)
            return response
        raise NotFound(
            "No snapshot of this origin; replay its entries from 0.", code=ApiErrorCode.NO_SNAPSHOT
        )


class SnapshotView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="snapshot",
        parameters=[OpenApiParameter("size", int, OpenApiParameter.PATH)],
        description=(
            "The snapshot at the checkpoint of `size` (compact range + active set, wire encoding, "
            "gzip-compressed file). Strong ETag; Range requests are honoured."
        ),
        responses={
            (200, "application/gzip"): OpenApiResponse(OpenApiTypes.BINARY),
            (206, "application/gzip"): OpenApiResponse(OpenApiTypes.BINARY),
            (304, "application/gzip"): OpenApiResponse(description="not modified"),
            **errors(e404=("unknown_snapshot",), e416=("range_not_satisfiable",)),
        },
    )
    def get(self, request, size: str):
        size = path_id(size, code=ApiErrorCode.UNKNOWN_SNAPSHOT)
        snapshot = selectors.snapshot_of_size(size)
        if snapshot is None:
            raise NotFound(f"No snapshot of size {size}.", code=ApiErrorCode.UNKNOWN_SNAPSHOT)

        return file_response(
            request,
            snapshot_dir() / snapshot.filename,
            etag=snapshot.etag,
            content_type="application/gzip",
            cache_control=PAYLOAD,
        )


# The poll's answer, by one serializer whose fields are bound once: building them for every
# request was a tenth of a receipt's CPU (bench/receipts.py). to_representation keeps no state.
_SYNC_POSITION = s.SyncPosition()


def sync_position(status) -> dict:
    """The SyncPosition answer, serialized, for a member's `members.selectors.SyncStatus`."""
    return _SYNC_POSITION.to_representation(position_of(status))


def position(member) -> dict:
    return sync_position(member_selectors.sync_status(member))


def position_of(status) -> dict:
    """The SyncPosition answer for a member's `members.selectors.SyncStatus`."""
    return {
        "latest_size": status.latest_size,
        "last_pulled_size": status.last_pulled_size,
        "last_pulled_at": status.last_pulled_at,
        "last_acked_size": status.last_acked_size,
        "last_acked_at": status.last_acked_at,
        "pull_lag": status.pull_lag,
        "ack_lag": status.ack_lag,
        "min_wait": min_wait_seconds(),
    }


class SyncView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(operation_id="sync_position", responses={200: s.SyncPosition, **errors()})
    def get(self, request):
        return Response(position(request.user.member))


class AckView(MemberAPIView):
    required_scope = SCOPE_FEED_READ

    @extend_schema(
        operation_id="acknowledge_checkpoint",
        request=s.AckInput,
        responses={200: s.SyncPosition, **errors(BODY_ERRORS, e404=("unknown_checkpoint",))},
    )
    def post(self, request):
        size = request.data.get("size") if isinstance(request.data, dict) else None
        if type(size) is not int or not 0 <= size <= 2**62:
            # Anything but a plain whole number in range: the serializer says what is wrong.
            data = s.AckInput(data=request.data)
            data.is_valid(raise_exception=True)
            size = data.validated_data["size"]
        member_services.acknowledge_checkpoint(member=request.user.member, size=size)
        return Response(position(request.user.member))
