"""`python -m member_portal.verify` on files a real bank wrote: exit 0 and "ok" when they verify,
exit 1 and "FAILED: <reason>" when they do not."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from hashbank.ledger import roots as ledger_roots
from hashbank.ledger import selectors, services
from hashbank.signals import services as signals
from member_portal import verify

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def feed(publish_signals, tmp_path) -> dict[str, Path]:
    """Root documents, a snapshot at size 6 and an entries page [6, 12) with its checkpoint (every
    seal ends with a state entry)."""
    held = publish_signals(5)
    snapshot_checkpoint = selectors.latest_checkpoint()
    ledger_roots.rotate_keys()
    publish_signals(3)
    signals.release(signal=held[0], reason="withdrawn")
    services.seal()
    latest = selectors.latest_checkpoint()
    assert latest.size == 12
    files = {}
    for i, text in enumerate(selectors.root_documents(), start=1):
        files[f"root{i}"] = tmp_path / f"root-{i}.note"
        files[f"root{i}"].write_text(text)
    files["checkpoint"] = tmp_path / "checkpoint.note"
    files["checkpoint"].write_text(latest.note)
    files["snapshot"] = tmp_path / "snapshot.bin"
    with open(files["snapshot"], "wb") as out:
        selectors.write_snapshot(out, snapshot_checkpoint)
    files["page"] = tmp_path / "page.bin"
    files["page"].write_bytes(selectors.entries_page(6, 12))
    return files


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = verify.main([str(a) for a in args])
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def roots(feed) -> list[str]:
    return ["--root", feed["root1"], "--root", feed["root2"]]


def test_root_command_follows_the_chain_and_exits_0(feed):
    code, out, _ = run("root", feed["root1"], feed["root2"])
    assert code == 0 and "ok: root version 2" in out and "2 key(s)" in out


def test_checkpoint_command_exits_0_for_a_checkpoint_the_bank_signed(feed):
    code, out, _ = run("checkpoint", *roots(feed), feed["checkpoint"])
    assert code == 0 and "size 12, 7 active" in out


def test_snapshot_command_exits_0_for_the_bank_snapshot(feed):
    code, out, _ = run("snapshot", *roots(feed), feed["snapshot"])
    assert code == 0 and "ok: snapshot at size 6, 5 active" in out


def test_entries_command_verifies_a_page_on_top_of_a_snapshot(feed):
    code, out, _ = run(
        "entries", *roots(feed), "--snapshot", feed["snapshot"], feed["page"], feed["checkpoint"]
    )
    assert code == 0 and "up to size 12, 7 active" in out


def test_a_flipped_bit_in_the_page_exits_1_with_the_reason(feed):
    page = bytearray(feed["page"].read_bytes())
    page[16 + 20] ^= 0x80  # inside the first leaf's value digest
    feed["page"].write_bytes(bytes(page))
    code, _, err = run(
        "entries", *roots(feed), "--snapshot", feed["snapshot"], feed["page"], feed["checkpoint"]
    )
    assert code == 1 and err.startswith("FAILED: entry 6: value does not match")


def test_a_truncated_page_exits_1(feed):
    feed["page"].write_bytes(feed["page"].read_bytes()[:-3])
    code, _, err = run(
        "entries", *roots(feed), "--snapshot", feed["snapshot"], feed["page"], feed["checkpoint"]
    )
    assert code == 1 and "truncated" in err


def test_a_truncated_snapshot_exits_1(feed):
    feed["snapshot"].write_bytes(feed["snapshot"].read_bytes()[:-1])
    code, _, err = run("snapshot", *roots(feed), feed["snapshot"])
    assert code == 1 and "snapshot truncated" in err


def test_a_checkpoint_under_an_untrusted_root_exits_1(feed, tmp_path, settings):
    from member_portal.feed import note, rootdoc

    stranger = note.Signer.generate(settings.HASHBANK_ORIGIN)
    other = tmp_path / "other-root.note"
    other.write_text(
        note.sign(
            rootdoc.render(settings.HASHBANK_ORIGIN, 1, 4_000_000_000, [stranger.verifier]),
            [stranger],
        )
    )
    code, _, err = run("checkpoint", "--root", other, feed["checkpoint"])
    assert code == 1 and "no signature by a trusted key" in err


def test_a_missing_file_exits_1(feed, tmp_path):
    code, _, err = run("checkpoint", *roots(feed), tmp_path / "absent.note")
    assert code == 1 and err.startswith("FAILED:")


def test_the_module_runs_as_a_program_with_these_exit_codes(feed):
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "member_portal.verify",
            "checkpoint",
            *map(str, roots(feed)),
            str(feed["checkpoint"]),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "member_portal.verify",
            "checkpoint",
            "--root",
            str(feed["root2"]),
            str(feed["root1"]),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "FAILED: checkpoint:" in bad.stderr
