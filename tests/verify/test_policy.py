"""C2SP tlog-policy documents (member_portal/feed/policy.py), written against FEDERATION.md §3
"Policy": `log <vkey> [url]`, `witness <name> <vkey> [url]`, `group <name> all|any|<k> <members>`,
`quorum <name>`, at least 32 logs, witnesses and groups; and the quorum over real cosignatures."""

from __future__ import annotations

import hashlib

import pytest

from hashbank.ledger import selectors
from member_portal import verify
from member_portal.feed import note
from member_portal.feed.cosignature import Cosigner
from member_portal.feed.policy import Policy, PolicyError

# FEDERATION.md §3's worked cosignature vector.
VECTOR_BODY = "example.org/hashbank\n3\nZepAS2lXoEPIZolKpliAyyEmDMNwAQDutNf+1sxOjsE=\n"
VECTOR_VKEY = "witness.example.org/w1+a9e6d775+BLxx/IleX7UDcMMak37MoCS9k+FzPoUV4ckcCUf/I3YE"
VECTOR_LINE = (
    "\u2014 witness.example.org/w1 qebXdQAAAABlU/Fk3hL5AjcWz47HNuke+sy8CasD/3ueZOvfl1UvsAfUbvieUGpi"
    "LvcAQmMMNew8mSNdPEwh1CPg6cRNiVC7hfbGAw==\n"
)

LOG = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"policy test log").digest())
W = {
    n: Cosigner.from_seed(f"w{n}.example", hashlib.sha256(f"policy test w{n}".encode()).digest())
    for n in range(1, 5)
}


def witness_lines(*numbers: int) -> str:
    return "".join(f"witness w{n} {W[n].verifier} https://w{n}.example/\n" for n in numbers)


def signed(*numbers: int, body: str = VECTOR_BODY) -> str:
    """The body signed by the log, with grease, cosigned by the given witnesses."""
    text = note.sign(body, [LOG], grease=True)
    return text + "".join(W[n].cosign(body, 1_700_000_000 + n).line() for n in numbers)


# -- parsing ------------------------------------------------------------------------------------


def test_a_policy_with_comments_blank_lines_logs_witnesses_groups_and_a_quorum_parses() -> None:
    policy = Policy.parse(
        "# the bank and who watches it\n"
        f"log {LOG.verifier} https://bank.example/log/\n"
        "\n"
        + witness_lines(1, 2, 3)
        + "   # an indented comment\n"
        + "group two-of-three 2 w1 w2 w3\n"
        + "quorum two-of-three\n"
    )
    assert [str(log.verifier) for log in policy.logs] == [str(LOG.verifier)]
    assert list(policy.witnesses) == ["w1", "w2", "w3"]
    assert policy.witnesses["w1"].url == "https://w1.example/"
    assert policy.groups["two-of-three"].threshold == 2
    assert policy.quorum == "two-of-three"


def test_the_quorum_may_name_a_single_witness() -> None:
    policy = Policy.parse(witness_lines(1) + "quorum w1\n")
    assert policy.satisfied_by(["w1"]) and not policy.satisfied_by([])


def test_quorum_none_is_met_without_any_cosignature() -> None:
    policy = Policy.parse(witness_lines(1) + "quorum none\n")
    assert policy.quorum is None and policy.satisfied_by([])


def test_at_least_32_logs_witnesses_and_groups_are_accepted() -> None:
    logs = "".join(
        f"log {note.Signer.from_seed(f'log{i}.example', bytes([i]) * 32).verifier}\n"
        for i in range(40)
    )
    cosigners = [Cosigner.from_seed(f"wit{i}.example", bytes([i]) * 32) for i in range(40)]
    witnesses = "".join(f"witness x{i} {c.verifier}\n" for i, c in enumerate(cosigners))
    groups = "".join(f"group g{i} any x{i} x{i + 1}\n" for i in range(39))
    policy = Policy.parse(
        logs
        + witnesses
        + groups
        + "group top 39 "
        + " ".join(f"g{i}" for i in range(39))
        + "\nquorum top\n"
    )
    assert (len(policy.logs), len(policy.witnesses), len(policy.groups)) == (40, 40, 40)
    assert policy.satisfied_by([f"x{i}" for i in range(0, 40, 2)])
    assert not policy.satisfied_by(["x0", "x1"])


@pytest.mark.parametrize(
    "document, reason",
    [
        (witness_lines(1) + "quorom w1\n", "line 2: unknown keyword 'quorom'"),
        (witness_lines(1), "no quorum line"),
        (witness_lines(1) + "quorum w1\nquorum none\n", "line 3: a second quorum line"),
        (witness_lines(1) + "quorum w2\n", "quorum 'w2' is no witness or group"),
        (witness_lines(1) + "quorum\n", "a quorum line is"),
        (witness_lines(1, 1) + "quorum w1\n", "line 2: 'w1' is already defined on line 1"),
        (
            witness_lines(1) + "group w1 any w1\nquorum w1\n",
            "line 2: 'w1' is already defined on line 1",
        ),
        (
            witness_lines(1) + f"witness other {W[1].verifier}\nquorum w1\n",
            "line 2: witness other has the same key as witness w1",
        ),
        (witness_lines(1) + "group g any w1 w9\nquorum g\n", "names 'w9', which no witness"),
        (witness_lines(1) + "group g 2 w1\nquorum g\n", "threshold 2 is not between 1 and"),
        (witness_lines(1) + "group g 0 w1\nquorum g\n", "threshold 0 is not between 1 and"),
        (witness_lines(1) + "group g -1 w1\nquorum g\n", "all, any or a number"),
        (witness_lines(1) + "group g some w1\nquorum g\n", "all, any or a number"),
        (witness_lines(1) + "group g any\nquorum g\n", "a group line is"),
        (witness_lines(1) + "group g any w1 w1\nquorum g\n", "lists a member twice"),
        (
            witness_lines(1) + "group a any w1 b\ngroup b any a\nquorum a\n",
            "groups contain themselves: a -> b -> a",
        ),
        (witness_lines(1) + "group a any a\nquorum a\n", "groups contain themselves: a -> a"),
        (witness_lines(1) + "group none any w1\nquorum w1\n", "`none` is reserved"),
        ("witness w1 not-a-key\nquorum w1\n", "line 1: witness w1: malformed verifier key"),
        (f"witness w1 {LOG.verifier}\nquorum w1\n", "not a tlog-cosignature/v1 Ed25519 key"),
        ("witness w1\nquorum w1\n", "a witness line is"),
        (witness_lines(1).strip() + " extra\nquorum w1\n", "a witness line is"),
        (f"log {W[1].verifier}\nquorum none\n", "line 1: log key: verifier key is not an"),
        ("log\nquorum none\n", "a log line is"),
    ],
)
def test_a_policy_that_breaks_a_rule_is_refused_with_the_line_and_why(document, reason) -> None:
    with pytest.raises(PolicyError) as refused:
        Policy.parse(document)
    assert reason in str(refused.value)


def test_a_group_may_name_a_group_defined_after_it() -> None:
    policy = Policy.parse(
        witness_lines(1, 2) + "group top all inner\ngroup inner any w1 w2\nquorum top\n"
    )
    assert policy.satisfied_by(["w2"])


# -- k of n and nesting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "threshold, cosigners, met",
    [
        ("any", [], False),
        ("any", ["w3"], True),
        ("all", ["w1", "w2"], False),
        ("all", ["w1", "w2", "w3"], True),
        ("2", ["w1"], False),
        ("2", ["w1", "w3"], True),
        ("2", ["w1", "w4"], False),  # w4 is no member
    ],
)
def test_a_group_is_met_by_k_of_its_members(threshold, cosigners, met) -> None:
    policy = Policy.parse(witness_lines(1, 2, 3, 4) + f"group g {threshold} w1 w2 w3\nquorum g\n")
    assert policy.satisfied_by(cosigners) is met


def test_nested_groups_count_a_met_subgroup_as_one_member() -> None:
    policy = Policy.parse(
        witness_lines(1, 2, 3, 4)
        + "group east any w1 w2\ngroup west all w3 w4\ngroup both all east west\nquorum both\n"
    )
    assert policy.satisfied_by(["w2", "w3", "w4"])
    assert not policy.satisfied_by(["w1", "w2", "w3"])


def test_explain_names_each_short_group_and_who_cosigned() -> None:
    policy = Policy.parse(
        witness_lines(1, 2, 3, 4)
        + "group east any w1 w2\ngroup west all w3 w4\ngroup both all east west\nquorum both\n"
    )
    why = policy.explain(["w1", "w3"])
    assert why.startswith("quorum both is not met: group both needs 2 of 2 (east, west), has 1")
    assert "group west needs 2 of 2 (w3, w4), has 1, missing w4" in why
    assert "east needs" not in why
    assert why.endswith("(cosigned by: w1, w3)")


# -- cosignatures -------------------------------------------------------------------------------


def test_the_federation_vector_cosignature_counts_for_its_witness() -> None:
    policy = Policy.parse(f"witness w1 {VECTOR_VKEY}\nquorum w1\n")
    assert policy.check(VECTOR_BODY + "\n" + VECTOR_LINE) == ["w1"]


def test_check_returns_the_listed_witnesses_that_cosigned_ignoring_grease_and_strangers() -> None:
    stranger = Cosigner.from_seed("stranger.example", bytes(32))
    note_text = signed(1, 3) + stranger.cosign(VECTOR_BODY, 5).line()
    policy = Policy.parse(witness_lines(1, 2, 3) + "group g 2 w1 w2 w3\nquorum g\n")
    assert policy.check(note_text) == ["w1", "w3"]
    assert policy.satisfied_by(policy.check(note_text))


def test_grease_does_not_count_towards_the_quorum() -> None:
    policy = Policy.parse(witness_lines(1) + "quorum w1\n")
    assert policy.check(signed()) == []


def test_a_forged_cosignature_by_a_listed_witness_is_an_error() -> None:
    forged = W[2].cosign(VECTOR_BODY, 7)
    # w2's signature, but w1's name and key id on the line: it cannot verify under w1's key.
    line = type(forged)(W[1].name, W[1].key_id, forged.timestamp, forged.signature).line()
    policy = Policy.parse(witness_lines(1, 2) + "group g any w1 w2\nquorum g\n")
    with pytest.raises(PolicyError, match="invalid cosignature by w1.example"):
        policy.check(signed(2) + line)


def test_a_cosignature_over_another_checkpoint_is_an_error() -> None:
    other_body = VECTOR_BODY.replace("\n3\n", "\n4\n")
    line = W[1].cosign(other_body, 9).line()
    policy = Policy.parse(witness_lines(1) + "quorum w1\n")
    with pytest.raises(PolicyError, match="invalid cosignature"):
        policy.check(signed() + line)


# -- member_portal.verify with a policy, on checkpoints a real bank signed ----------------------


@pytest.fixture
def bank_checkpoint(publish_signals, tmp_path):
    """The bank's latest checkpoint (signed with grease), its root document file and the root."""
    publish_signals(3)
    root_file = tmp_path / "root.note"
    root_file.write_text(selectors.root_documents()[0])
    return selectors.latest_checkpoint().note, root_file, selectors.current_root()


def policy_file(tmp_path, text: str):
    path = tmp_path / "policy.txt"
    path.write_text(text)
    return path


@pytest.mark.django_db
def test_verify_checkpoint_accepts_the_quorum_and_refuses_a_missing_witness(bank_checkpoint):
    signed_note, _, root = bank_checkpoint
    body, _ = note.split(signed_note)
    cosigned = signed_note + W[1].cosign(body, 1_700_000_000).line()
    one = Policy.parse(witness_lines(1) + "quorum w1\n")
    both = Policy.parse(witness_lines(1, 2) + "group pair all w1 w2\nquorum pair\n")

    assert (
        verify.verify_checkpoint(cosigned, root, policy=one).size == 4
    )  # 3 signals and the state entry
    with pytest.raises(verify.VerificationError) as refused:
        verify.verify_checkpoint(cosigned, root, policy=both)
    assert str(refused.value) == (
        "checkpoint: witness quorum pair is not met: group pair needs 2 of 2 (w1, w2), has 1, "
        "missing w2 (cosigned by: w1)"
    )
    assert verify.verify_checkpoint(signed_note, root).size == 4  # no policy: as before


@pytest.mark.django_db
def test_a_state_carrying_a_policy_refuses_entries_up_to_an_unwitnessed_checkpoint(
    bank_checkpoint,
):
    signed_note, _, root = bank_checkpoint
    state = verify.FeedState(root, policy=Policy.parse(witness_lines(1) + "quorum w1\n"))
    with pytest.raises(verify.VerificationError, match="witness w1 did not cosign"):
        verify.apply_entries(state, signed_note, [], 0)


@pytest.mark.django_db
def test_hashbank_verify_checkpoint_with_policy_says_who_cosigned_or_why_not(
    bank_checkpoint, tmp_path, capsys
):
    signed_note, root_file, _ = bank_checkpoint
    body, _ = note.split(signed_note)
    checkpoint = tmp_path / "checkpoint.note"
    checkpoint.write_text(signed_note + W[2].cosign(body, 1_700_000_000).line())
    args = ["checkpoint", "--root", str(root_file), str(checkpoint), "--policy"]

    ok = verify.main([*args, str(policy_file(tmp_path, witness_lines(2) + "quorum w2\n"))])
    assert ok == 0 and "cosigned by w2" in capsys.readouterr().out

    failed = verify.main([*args, str(policy_file(tmp_path, witness_lines(1, 2) + "quorum w1\n"))])
    assert failed == 1
    assert "FAILED: checkpoint: witness quorum w1 is not met" in capsys.readouterr().err

    bad = verify.main([*args, str(policy_file(tmp_path, "quorum w9\n"))])
    assert bad == 1 and "policy line 1: quorum 'w9'" in capsys.readouterr().err
