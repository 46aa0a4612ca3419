"""Input and output shapes of match reports and disputes (one small serializer each)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hashbank.disputes.models import Dispute
from hashbank.forwarding import selectors as forwarding
from hashbank.forwarding.models import Forward
from member_portal.reports.models import MatchReport


class SignalRefInput(serializers.Serializer):
    """A signal named by (signal_type, value) in this bank's own log, or by (origin, seq): the
    origin's add entry at that sequence number. Another bank's origin (one this bank mirrors) is
    forwarded to that bank (docs/peer-api.md)."""

    origin = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        help_text="the origin (or its 64-hex id) whose log added the signal; default this bank's",
    )
    seq = serializers.IntegerField(
        min_value=0,
        max_value=2**62,
        required=False,
        allow_null=True,
        default=None,
        help_text="the sequence number of the signal's add entry in the origin's log",
    )
    signal_type = serializers.CharField(
        max_length=16, required=False, default="", help_text="pdq, md5, ..."
    )
    value = serializers.CharField(
        max_length=256,
        required=False,
        default="",
        help_text="the hash value as the feed carries it",
    )

    def validate(self, data: dict) -> dict:
        if data["seq"] is None and not forwarding.is_own(data["origin"]):
            raise serializers.ValidationError({"seq": "Name another origin's signal by its seq."})
        if data["seq"] is None and not (data["signal_type"] and data["value"]):
            raise serializers.ValidationError(
                {"value": "Name the signal by signal_type and value, or by seq."}
            )
        return data


class ForwardState(serializers.Serializer):
    """Where a report or dispute about another bank's origin is on its way to that bank."""

    id = serializers.CharField(source="forward_id", help_text="the forwarding id")
    state = serializers.ChoiceField(choices=Forward.State.values)
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class _Provenance(serializers.Serializer):
    """`origin` and `seq` of a report or dispute; `forward` is null for this bank's own origin."""

    origin = serializers.SerializerMethodField()
    seq = serializers.SerializerMethodField()
    forward = serializers.SerializerMethodField()

    def get_origin(self, item) -> str:
        return item.origin if isinstance(item, Forward) else settings.HASHBANK_ORIGIN

    def get_seq(self, item) -> int | None:
        return item.seq if isinstance(item, Forward) else item.signal.add_seq

    @extend_schema_field(ForwardState(allow_null=True))
    def get_forward(self, item) -> dict | None:
        return ForwardState(item).data if isinstance(item, Forward) else None


class MatchReportInput(SignalRefInput):
    action = serializers.ChoiceField(choices=MatchReport.Action.values)
    matched_at = serializers.DateTimeField(required=False, allow_null=True)
    distance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=256)
    human_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="a person reviewed the matched content and confirmed it: the signal becomes "
        "confirmed (its review tier, docs/member-guide.md)",
    )


class MatchReportOutput(_Provenance):
    id = serializers.IntegerField()
    signal_type = serializers.CharField(source="signal.signal_type")
    value = serializers.CharField(source="signal.value")
    action = serializers.CharField()
    matched_at = serializers.DateTimeField(allow_null=True)
    distance = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    human_confirmed = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ForwardedReportOutput(MatchReportOutput):
    """The same shape, for a report about another bank's origin (a forwarding.Forward)."""

    signal_type = serializers.CharField()
    value = serializers.CharField()
    source = serializers.SerializerMethodField()

    def get_source(self, forward) -> str:
        return "api"


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


class DisputeOutput(_Provenance):
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


class ForwardedDisputeOutput(DisputeOutput):
    """The same shape, for a dispute about another bank's origin: its status and decision are
    the origin bank's, as last read from it ("open" until its reviewers decide)."""

    signal_type = serializers.CharField()
    value = serializers.CharField()
    status = serializers.SerializerMethodField()

    def get_status(self, forward) -> str:
        return forward.outcome or Dispute.Status.OPEN

    def get_decision(self, forward) -> dict | None:
        if forward.state != Forward.State.DECIDED:
            return None
        return DecisionOutput(forward).data


class ListOutput(serializers.Serializer):
    min_wait = serializers.IntegerField()
    next_before = serializers.IntegerField(allow_null=True)


class MatchReportList(ListOutput):
    reports = MatchReportOutput(many=True)


class DisputeList(ListOutput):
    disputes = DisputeOutput(many=True)


class BenignInput(SignalRefInput):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text="what it is"
    )


class BenignOutput(serializers.Serializer):
    id = serializers.IntegerField()
    signal_type = serializers.CharField()
    value = serializers.CharField()
    created_at = serializers.DateTimeField()
