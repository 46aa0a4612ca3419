"""Input and output shapes of match reports and disputes (one small serializer each)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hashbank.disputes.models import Dispute
from member_portal.reports.models import MatchReport


class SignalRefInput(serializers.Serializer):
    signal_type = serializers.CharField(max_length=16, help_text="pdq, md5, ...")
    value = serializers.CharField(max_length=256, help_text="the hash value as the feed carries it")


class MatchReportInput(SignalRefInput):
    action = serializers.ChoiceField(choices=MatchReport.Action.values)
    matched_at = serializers.DateTimeField(required=False, allow_null=True)
    distance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=256)


class MatchReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    signal_type = serializers.CharField(source="signal.signal_type")
    value = serializers.CharField(source="signal.value")
    action = serializers.CharField()
    matched_at = serializers.DateTimeField(allow_null=True)
    distance = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    created_at = serializers.DateTimeField()


class DisputeInput(SignalRefInput):
    reason = serializers.ChoiceField(choices=Dispute.Reason.values)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=Dispute.NOTE_MAX_LENGTH, default=""
    )
    # Checked by the service (code `description_too_long`), not here, so its code is its own.
    content_description = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=(
            "What the matched content shows, in words (up to "
            f"{Dispute.DESCRIPTION_MAX_LENGTH} characters), for the reviewer who cannot see "
            "it. Never the content itself, a link to it or a user's details."
        ),
    )


class DecisionOutput(serializers.Serializer):
    code = serializers.CharField(source="decision_code")
    reason = serializers.CharField(source="decision_reason")
    decided_at = serializers.DateTimeField()


class DisputeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    signal_type = serializers.CharField(source="signal.signal_type")
    value = serializers.CharField(source="signal.value")
    reason = serializers.CharField()
    note = serializers.CharField()
    content_description = serializers.CharField()
    status = serializers.ChoiceField(choices=Dispute.Status.values)
    created_at = serializers.DateTimeField()
    decision = serializers.SerializerMethodField()

    @extend_schema_field(DecisionOutput(allow_null=True))
    def get_decision(self, dispute: Dispute) -> dict | None:
        return None if dispute.is_open else DecisionOutput(dispute).data


class ListOutput(serializers.Serializer):
    min_wait = serializers.IntegerField()
    next_before = serializers.IntegerField(allow_null=True)


class MatchReportList(ListOutput):
    reports = MatchReportOutput(many=True)


class DisputeList(ListOutput):
    disputes = DisputeOutput(many=True)
