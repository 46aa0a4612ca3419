from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from member_portal.api import docs, origin_views, receipt_views, views

urlpatterns = [
    path("checkpoint", views.CheckpointView.as_view(), name="api-checkpoint"),
    path("entries", views.EntriesView.as_view(), name="api-entries"),
    path("proofs/inclusion", views.InclusionProofView.as_view(), name="api-inclusion"),
    path("proofs/consistency", views.ConsistencyProofView.as_view(), name="api-consistency"),
    path("roots", views.RootsView.as_view(), name="api-roots"),
    path("keys", views.KeysView.as_view(), name="api-keys"),
    path("snapshot", views.LatestSnapshotView.as_view(), name="api-snapshot-latest"),
    path("snapshots/<str:size>", views.SnapshotView.as_view(), name="api-snapshot"),
    path("sync", views.SyncView.as_view(), name="api-sync"),
    path("sync/ack", views.AckView.as_view(), name="api-sync-ack"),
    path("origins", origin_views.OriginsView.as_view(), name="api-origins"),
    path(
        "origins/<str:origin_id>/checkpoint",
        origin_views.OriginCheckpointView.as_view(),
        name="api-origin-checkpoint",
    ),
    path(
        "origins/<str:origin_id>/entries",
        origin_views.OriginEntriesView.as_view(),
        name="api-origin-entries",
    ),
    path(
        "origins/<str:origin_id>/proofs/inclusion",
        origin_views.OriginInclusionProofView.as_view(),
        name="api-origin-inclusion",
    ),
    path(
        "origins/<str:origin_id>/proofs/consistency",
        origin_views.OriginConsistencyProofView.as_view(),
        name="api-origin-consistency",
    ),
    path(
        "origins/<str:origin_id>/roots",
        origin_views.OriginRootsView.as_view(),
        name="api-origin-roots",
    ),
    path(
        "origins/<str:origin_id>/snapshot",
        origin_views.OriginSnapshotView.as_view(),
        name="api-origin-snapshot",
    ),
    path("receipts", receipt_views.ReceiptView.as_view(), name="api-receipts"),
    path("receipt-keys", receipt_views.ReceiptKeysView.as_view(), name="api-receipt-keys"),
    path(
        "receipt-keys/<str:key_id>", receipt_views.ReceiptKeyView.as_view(), name="api-receipt-key"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
