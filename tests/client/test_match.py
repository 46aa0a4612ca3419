"""`match`: PDQ within distance 31, MD5 exact, low-quality hashes never indexed; results name
the signal (its add entry), the distance and the checkpoint."""

import hashlib

import numpy as np
from PIL import Image

from member_portal.client.hashing import pdq_of_image
from tests.fixtures.values import MD5_VALUE, PDQ_VALUES


def _flip(hex_value: str, bits: int) -> str:
    raw = bytearray(bytes.fromhex(hex_value))
    for bit in range(bits):
        raw[bit // 8] ^= 1 << (bit % 8)
    return raw.hex()


def _image(path):
    rng = np.random.default_rng(7)
    pixels = (rng.random((64, 64, 3)) * 255).astype(np.uint8).repeat(8, 0).repeat(8, 1)
    Image.fromarray(pixels).save(path)
    return path


def test_pdq_within_distance_31_matches_and_names_signal_distance_and_checkpoint(bank, client):
    bank.publish()
    bank.snapshot()
    size = client("sync")[1]["size"]

    code, out = client("match", "--pdq", _flip(PDQ_VALUES[2], 31))

    assert code == 0
    (result,) = out["results"]
    (match,) = result["matches"]
    assert (match["signal_type"], match["value"], match["distance"]) == ("pdq", PDQ_VALUES[2], 31)
    assert isinstance(match["seq"], int)
    assert result["checkpoint"]["size"] == size


def test_pdq_at_distance_32_does_not_match(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")

    code, out = client("match", "--pdq", _flip(PDQ_VALUES[2], 32))

    assert code == 1
    assert out["results"][0]["matches"] == []


def test_threshold_is_configurable(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")

    assert client("match", "--threshold", "10", "--pdq", _flip(PDQ_VALUES[0], 11))[0] == 1
    assert client("match", "--threshold", "10", "--pdq", _flip(PDQ_VALUES[0], 10))[0] == 0


def test_md5_matches_exactly(bank, client):
    bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    client("sync")

    assert client("match", "--md5", MD5_VALUE)[0] == 0
    assert client("match", "--md5", MD5_VALUE[:-1] + "0")[0] == 1


def test_low_quality_pdq_is_never_indexed(bank, client):
    from django.db import transaction

    from hashbank.signals import services as signals

    # Victims' submissions refuse quality < 50; a feed may still carry one (e.g. imported).
    with transaction.atomic():
        signals.hold(signal_type="pdq", value=PDQ_VALUES[3], quality=40)
    bank.seal()
    bank.snapshot()
    assert client("sync")[1]["active"] == 1  # in the verified set, not in the index

    assert client("match", "--pdq", PDQ_VALUES[3])[0] == 1


def test_image_file_matches_by_pdq_and_by_md5(bank, client, tmp_path):
    path = _image(tmp_path / "upload.png")
    (pdq, quality), *_ = pdq_of_image(path)
    assert quality >= 50
    bank.publish([("pdq", pdq.hex()), ("md5", hashlib.md5(path.read_bytes()).hexdigest())])
    bank.snapshot()
    client("sync")

    code, out = client("match", str(path))

    assert code == 0
    assert sorted(m["signal_type"] for m in out["results"][0]["matches"]) == ["md5", "pdq"]


def test_removed_signal_no_longer_matches(bank, client):
    bank.publish([("md5", "aa" * 16)])
    case = bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    client("sync")
    bank.withdraw(case)
    client("sync")

    assert client("match", "--md5", MD5_VALUE)[0] == 1


def test_match_before_any_sync_exits_6(client):
    assert client("match", "--md5", MD5_VALUE)[0] == 6
