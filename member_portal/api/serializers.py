"""Output shapes of the pull API's JSON endpoints (text and binary bodies are documented inline)."""

from __future__ import annotations

from rest_framework import serializers


class WithMinWait(serializers.Serializer):
    min_wait = serializers.IntegerField(help_text="seconds to wait before polling again")


class InclusionProof(WithMinWait):
    index = serializers.IntegerField()
    size = serializers.IntegerField()
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, RFC 6962")


class ConsistencyProof(WithMinWait):
    old_size = serializers.IntegerField()
    new_size = serializers.IntegerField()
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, RFC 6962")


class RootDocuments(WithMinWait):
    roots = serializers.ListField(child=serializers.JSONField())


class PublicKeys(WithMinWait):
    keys = serializers.ListField(child=serializers.JSONField())


class SyncPosition(WithMinWait):
    latest_size = serializers.IntegerField(allow_null=True)
    last_pulled_size = serializers.IntegerField(allow_null=True)
    last_pulled_at = serializers.DateTimeField(allow_null=True)
    last_acked_size = serializers.IntegerField(allow_null=True)
    last_acked_at = serializers.DateTimeField(allow_null=True)
    pull_lag = serializers.IntegerField(allow_null=True)
    ack_lag = serializers.IntegerField(allow_null=True)


class AckInput(serializers.Serializer):
    size = serializers.IntegerField(
        min_value=0, max_value=2**62, help_text="tree size of the checkpoint you applied"
    )


class CarriedOrigin(serializers.Serializer):
    id = serializers.CharField(help_text="hex SHA-256 of the origin line")
    origin = serializers.CharField()
    local = serializers.BooleanField(help_text="the bank's own log (else a mirrored peer's)")
    root_document = serializers.CharField(help_text="the trust anchor the signed list names")
    root_documents = serializers.ListField(child=serializers.CharField())
    keys = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()
    checkpoint_time = serializers.IntegerField(allow_null=True)
    witnessed_at = serializers.IntegerField(allow_null=True)
    frozen = serializers.BooleanField()
    frozen_reason = serializers.CharField(allow_blank=True)
    freshness_seconds = serializers.IntegerField(allow_null=True)
    share_policy = serializers.DictField()


class Origins(WithMinWait):
    carrier = serializers.CharField()
    signed_list = serializers.CharField(help_text="docs/federation.md: the signed origins list")
    origins = CarriedOrigin(many=True)


class ReceiptInput(serializers.Serializer):
    receipt = serializers.CharField(
        max_length=16_000,
        allow_blank=True,
        trim_whitespace=False,
        help_text="the checkpoint note you applied, with your receipt key's cosignature line added",
    )


class ReceiptKeyInput(serializers.Serializer):
    vkey = serializers.CharField(
        max_length=300, help_text="name+hexkeyid+base64(0x04 || Ed25519 public key)"
    )
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ReceiptKey(serializers.Serializer):
    vkey = serializers.CharField()
    key_id = serializers.CharField()
    label = serializers.CharField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class ReceiptKeys(serializers.Serializer):
    keys = ReceiptKey(many=True)
