"""StopNCII's JSON shapes, field for field as python-threatexchange's client reads them."""

from __future__ import annotations

from rest_framework import serializers

SIGNAL_TYPES = ["ImagePDQ", "VideoMD5"]
STATUSES = ["Received", "Active", "Withdrawn", "Deleted"]
FEEDBACK_VALUES = [
    "Unknown",
    "None",
    "QualityUnknown",
    "PendingReview",
    "Blocked",
    "NotBlocked",
    "Withdrawn",
    "Deleted",
]


class CSPFeedback(serializers.Serializer):
    feedbackValue = serializers.ChoiceField(choices=FEEDBACK_VALUES)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.CharField(required=False)


class HashRecord(serializers.Serializer):
    lastModtimestamp = serializers.IntegerField()
    signalType = serializers.ChoiceField(choices=SIGNAL_TYPES)
    hashValue = serializers.CharField()
    hashStatus = serializers.ChoiceField(choices=STATUSES)
    caseNumbers = serializers.DictField(child=serializers.ChoiceField(choices=STATUSES))
    CSPFeedbacks = CSPFeedback(many=True)
    origin = serializers.CharField(
        help_text="the origin log that holds the entry (hashbank's provenance; stock clients "
        "ignore it)"
    )


class FetchHashesResponse(serializers.Serializer):
    count = serializers.IntegerField()
    nextPageToken = serializers.CharField(allow_null=True)
    nextSetTimestamp = serializers.IntegerField()
    hasMoreRecords = serializers.BooleanField()
    hashRecords = HashRecord(many=True)


class HashFeedback(serializers.Serializer):
    hashValue = serializers.CharField(max_length=256)
    feedbackValue = serializers.ChoiceField(choices=FEEDBACK_VALUES)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )


class SubmitFeedbackInput(serializers.Serializer):
    count = serializers.IntegerField(required=False, min_value=0)
    hashFeedbacks = HashFeedback(many=True, max_length=1000)


class SubmitFeedbackResponse(serializers.Serializer):
    count = serializers.IntegerField()
    accepted = serializers.IntegerField()
    unknown = serializers.IntegerField(help_text="hashes not found in the feed")
