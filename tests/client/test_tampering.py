"""The client never stores what it has not verified: each kind of tampering stops the sync with
exit code 3 and leaves the last good state as it was."""

import base64

from member_portal.client.store import Store
from member_portal.feed import leaf as leaves
from member_portal.feed import wire
from tests.fixtures.bank import regzip
from tests.fixtures.values import MD5_VALUE


def _synced(bank, client, proxy):
    bank.publish()
    bank.snapshot()
    code, result = client("sync", url=proxy.url)
    assert code == 0
    bank.publish([("md5", MD5_VALUE)])
    return result["size"]


def _state(state):
    with Store(state) as store:
        return store.load().size, store.counts()


def test_entry_changed_in_transit_breaks_the_merkle_root(bank, client, proxy, state):
    size = _synced(bank, client, proxy)

    def flip_a_leaf_byte(path, body):
        if path.startswith("/api/v1/entries"):
            start, records = wire.decode_entries(body)
            leaf, payload = records[0]
            records[0] = (leaf[:4] + bytes([leaf[4] ^ 1]) + leaf[5:], payload)
            return wire.encode_entries(start, records)
        return body

    proxy.tamper = flip_a_leaf_byte
    code, result = client("sync", url=proxy.url)

    assert code == 3
    assert result["error"]["code"] == "verification_failed"
    assert "Merkle root" in result["error"]["message"]
    assert _state(state) == (size, {"pdq": 4})


def test_checkpoint_with_a_bad_signature_is_refused(bank, client, proxy, state):
    size = _synced(bank, client, proxy)

    def forge_signature(path, body):
        if path.startswith("/api/v1/checkpoint"):
            text, _, sigs = body.decode().partition("\n\n")
            name, sig = sigs.strip().rsplit(" ", 1)
            raw = bytearray(base64.b64decode(sig))
            raw[-1] ^= 1
            return f"{text}\n\n{name} {base64.b64encode(bytes(raw)).decode()}\n".encode()
        return body

    proxy.tamper = forge_signature
    code, result = client("sync", url=proxy.url)

    assert code == 3
    assert "checkpoint" in result["error"]["message"]
    assert _state(state) == (size, {"pdq": 4})


def test_rolled_back_checkpoint_is_refused(bank, client, proxy, state):
    seen = []

    def record_checkpoints(path, body):
        if path.startswith("/api/v1/checkpoint"):
            seen.append(body)
        return body

    proxy.tamper = record_checkpoints
    _synced(bank, client, proxy)
    assert client("sync", url=proxy.url)[0] == 0  # now at the newer checkpoint
    kept = _state(state)

    proxy.tamper = lambda path, body: seen[0] if path.startswith("/api/v1/checkpoint") else body
    code, result = client("sync", url=proxy.url)

    assert code == 3
    assert "rolled back" in result["error"]["message"]
    assert _state(state) == kept


def test_snapshot_missing_a_signal_fails_the_state_commitment(bank, client, proxy, state):
    bank.publish()
    bank.snapshot()

    def drop_last_record(raw: bytes) -> bytes:
        import io

        reader = wire.SnapshotReader(io.BytesIO(raw))
        records = list(reader.records())
        head = wire.encode_snapshot_header(
            reader.note, reader.compact_range, len(records) - 1, reader.state_leaf
        )
        return head + b"".join(
            wire.encode_active_record(r.seq, r.type_code, r.quality, r.salt, r.value)
            for r in records[:-1]
        )

    proxy.tamper = lambda path, body: (
        regzip(body, drop_last_record) if path.startswith("/api/v1/snapshots/") else body
    )
    code, result = client("sync", url=proxy.url)

    assert code == 3
    assert "do not produce the state" in result["error"]["message"]
    with Store(state) as store:
        assert store.load() is None
        assert store.counts() == {}


def test_removal_naming_another_signal_is_refused(bank, client, proxy, state):
    case = bank.publish()
    bank.snapshot()
    assert client("sync", url=proxy.url)[0] == 0
    bank.withdraw(case)

    def retarget_removals(path, body):
        if path.startswith("/api/v1/entries"):
            start, records = wire.decode_entries(body)
            out = []
            for leaf, payload in records:
                entry = leaves.decode(leaf)
                if entry.kind == leaves.REMOVE:
                    leaf = leaves.encode_remove(
                        type_code=entry.type_code,
                        reason_code=entry.reason_code,
                        timestamp=entry.timestamp,
                        digest=entry.digest,
                        target=(entry.target + 1) % start,
                    )
                out.append((leaf, payload))
            return wire.encode_entries(start, out)
        return body

    proxy.tamper = retarget_removals
    code, _result = client("sync", url=proxy.url)

    assert code == 3  # the Merkle root no longer matches either; the state is kept
    assert _state(state)[1] == {"pdq": 4}
