"""The peer API's shapes (docs/peer-api.md): what a peer bank forwards about our (origin, seq),
and what it reads back. One small serializer each."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hashbank.disputes.models import Dispute
from member_portal.reports.models import MatchReport
from member_portal.reports.serializers import DecisionOutput

FORWARD_ID = r"^[A-Za-z0-9_-]{8,64}$"


class ForwardInput(serializers.Serializer):
    forward_id = serializers.RegexField(
        FORWARD_ID, help_text="the peer's forwarding id; a retry with the same id is a replay"
    )
    origin = serializers.CharField(max_length=200, help_text="our origin (first checkpoint line)")
    seq = serializers.IntegerField(min_value=0, max_value=2**62)
    # Optional cross-check: the signal the peer's mirror holds at seq.
    signal_type = serializers.CharField(max_length=16, required=False, default="")
    value = serializers.CharField(max_length=256, required=False, default="")
    member = serializers.CharField(
        max_length=200, help_text="the peer's own member who sent it, as the peer names it"
    )


class ForwardedReportInput(ForwardInput):
    action = serializers.ChoiceField(choices=MatchReport.Action.values)
    matched_at = serializers.DateTimeField(required=False, allow_null=True)
    distance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=256)
    human_confirmed = serializers.BooleanField(required=False, default=False)


class ForwardedDisputeInput(ForwardInput):
    reason = serializers.ChoiceField(choices=Dispute.Reason.values)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=Dispute.NOTE_MAX_LENGTH, default=""
    )
    content_description = serializers.CharField(
        required=False, allow_blank=True, max_length=Dispute.DESCRIPTION_MAX_LENGTH, default=""
    )


class ForwardedReportOutput(serializers.Serializer):
    forward_id = serializers.CharField(source="idempotency_key")
    id = serializers.IntegerField()
    action = serializers.CharField()
    created_at = serializers.DateTimeField()


class ForwardedDisputeOutput(serializers.Serializer):
    forward_id = serializers.CharField(source="idempotency_key")
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Dispute.Status.values)
    created_at = serializers.DateTimeField()
    decision = serializers.SerializerMethodField()

    @extend_schema_field(DecisionOutput(allow_null=True))
    def get_decision(self, dispute: Dispute) -> dict | None:
        return None if dispute.is_open else DecisionOutput(dispute).data


class NudgeInput(serializers.Serializer):
    origin = serializers.CharField(
        max_length=255, help_text="the nudging bank's origin (first checkpoint line)"
    )
    size = serializers.IntegerField(
        min_value=0, max_value=2**62, help_text="the size of its newest published checkpoint"
    )


class NudgeOutput(serializers.Serializer):
    origin = serializers.CharField()
    mirrored_size = serializers.IntegerField(help_text="our mirror's size when the nudge came")
    queued = serializers.BooleanField(help_text="a sync of the origin was queued by this nudge")
