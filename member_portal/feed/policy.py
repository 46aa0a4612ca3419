"""C2SP tlog-policy (draft): which witnesses a member requires to have cosigned a checkpoint.

A policy document is lines of

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <member> [<member> ...]
    quorum <name>|none

with `#` comment lines and blank lines. A group's members are witness or group names; `any` is 1
of them, `all` every one. Exactly one `quorum` line names the group (or the single witness) whose
rule a checkpoint must meet; `quorum none` requires no cosignature (bootstrapping only).

Refused, each with the line number: unknown keywords, a name used twice (witnesses and groups share
one namespace), a witness key listed twice (one key counted as two witnesses would fake a quorum),
members that are never defined, groups that contain themselves through other groups, k outside
1..members, and a missing or repeated quorum. There is no upper limit on the number of lines (the
spec asks for at least 32 logs, witnesses and groups).

The log lines are kept but not enforced here: a member trusts the bank's log keys through its root
documents (rootdoc.py), which also carry their rotation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from member_portal.feed import note
from member_portal.feed.cosignature import CosignatureError, CosignatureVerifier, cosignatures


class PolicyError(ValueError):
    """A policy document that does not parse, or a cosignature by a listed witness that fails."""


@dataclass(frozen=True)
class Witness:
    name: str
    verifier: CosignatureVerifier
    url: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Log:
    verifier: note.Verifier
    url: str = ""


@dataclass(frozen=True)
class Policy:
    """A parsed policy; `text` is the document it came from (what a client stores)."""

    text: str
    logs: tuple[Log, ...]
    witnesses: dict[str, Witness]
    groups: dict[str, Group]
    quorum: str | None  # None: `quorum none`

    @classmethod
    def parse(cls, text: str) -> Policy:
        return parse(text)

    def check(self, signed_note: str) -> list[str]:
        """The names of the listed witnesses that validly cosigned `signed_note`, in policy order.

        Signatures by other keys (the log's, grease, unknown witnesses) are ignored; a listed
        witness's cosignature that does not verify raises PolicyError."""
        by_key = {(w.verifier.name, w.verifier.key_id): w.name for w in self.witnesses.values()}
        try:
            found = cosignatures(signed_note, [w.verifier for w in self.witnesses.values()])
        except (CosignatureError, note.NoteError) as exc:
            raise PolicyError(str(exc)) from None
        signed = {by_key[(c.name, c.key_id)] for c in found}
        return [name for name in self.witnesses if name in signed]

    def satisfied_by(self, cosigners: Iterable[str]) -> bool:
        """Whether the quorum is met when exactly these witnesses cosigned."""
        if self.quorum is None:
            return True
        return self._met(self.quorum, set(cosigners))

    def explain(self, cosigners: Iterable[str]) -> str:
        """Why the quorum is or is not met: every short group, with what it still needs."""
        cosigned = set(cosigners)
        if self.quorum is None:
            return "the policy requires no cosignature (quorum none)"
        got = ", ".join(n for n in self.witnesses if n in cosigned) or "none"
        if self._met(self.quorum, cosigned):
            return f"quorum {self.quorum} is met (cosigned by: {got})"
        short = "; ".join(self._short(self.quorum, cosigned))
        return f"quorum {self.quorum} is not met: {short} (cosigned by: {got})"

    def _met(self, name: str, cosigned: set[str]) -> bool:
        if name in self.witnesses:
            return name in cosigned
        group = self.groups[name]
        return sum(self._met(m, cosigned) for m in group.members) >= group.threshold

    def _short(self, name: str, cosigned: set[str]) -> list[str]:
        if name in self.witnesses:
            return [f"witness {name} did not cosign"]
        group = self.groups[name]
        missing = [m for m in group.members if not self._met(m, cosigned)]
        have = len(group.members) - len(missing)
        reasons = [
            f"group {name} needs {group.threshold} of {len(group.members)} "
            f"({', '.join(group.members)}), has {have}, missing {', '.join(missing)}"
        ]
        for member in missing:
            if member in self.groups:
                reasons += self._short(member, cosigned)
        return reasons


def parse(text: str) -> Policy:
    """Parse a tlog-policy document; PolicyError says which line is wrong and why."""
    logs: list[Log] = []
    witnesses: dict[str, Witness] = {}
    groups: dict[str, Group] = {}
    lines: dict[str, int] = {}  # name -> line number, for the errors
    keys: dict[tuple[str, int], str] = {}
    quorum: tuple[str, int] | None = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, *args = line.split()

        def fail(why: str, number: int = number) -> PolicyError:
            return PolicyError(f"policy line {number}: {why}")

        if keyword == "log":
            if len(args) not in (1, 2):
                raise fail("a log line is `log <vkey> [url]`")
            try:
                logs.append(Log(note.Verifier.parse(args[0]), *args[1:]))
            except note.NoteError as exc:
                raise fail(f"log key: {exc}") from None
        elif keyword == "witness":
            if len(args) not in (2, 3):
                raise fail("a witness line is `witness <name> <vkey> [url]`")
            name = _new_name(args[0], lines, fail)
            try:
                verifier = CosignatureVerifier.parse(args[1])
            except (CosignatureError, note.NoteError) as exc:
                raise fail(f"witness {name}: {exc}") from None
            key = (verifier.name, verifier.key_id)
            if key in keys:
                raise fail(f"witness {name} has the same key as witness {keys[key]}")
            keys[key] = name
            witnesses[name] = Witness(name, verifier, *args[2:])
            lines[name] = number
        elif keyword == "group":
            if len(args) < 3:
                raise fail("a group line is `group <name> all|any|<k> <member> [<member> ...]`")
            name = _new_name(args[0], lines, fail)
            members = tuple(args[2:])
            if len(set(members)) != len(members):
                raise fail(f"group {name} lists a member twice")
            threshold = _threshold(args[1], len(members), name, fail)
            groups[name] = Group(name, threshold, members)
            lines[name] = number
        elif keyword == "quorum":
            if len(args) != 1:
                raise fail("a quorum line is `quorum <name>` or `quorum none`")
            if quorum is not None:
                raise fail(f"a second quorum line (the first is line {quorum[1]})")
            quorum = (args[0], number)
        else:
            raise fail(f"unknown keyword {keyword!r} (log, witness, group, quorum)")

    for group in groups.values():
        for member in group.members:
            if member not in lines:
                raise PolicyError(
                    f"policy line {lines[group.name]}: group {group.name} names {member!r}, "
                    "which no witness or group line defines"
                )
    _refuse_cycles(groups, lines)
    if quorum is None:
        raise PolicyError("policy: no quorum line (write `quorum none` to require nothing)")
    name, number = quorum
    if name != "none" and name not in lines:
        raise PolicyError(f"policy line {number}: quorum {name!r} is no witness or group")
    return Policy(text, tuple(logs), witnesses, groups, None if name == "none" else name)


def _new_name(name: str, lines: dict[str, int], fail) -> str:
    if name == "none":
        raise fail("`none` is reserved for `quorum none`")
    if name in lines:
        raise fail(f"{name!r} is already defined on line {lines[name]}")
    return name


def _threshold(word: str, size: int, name: str, fail) -> int:
    if word == "all":
        return size
    if word == "any":
        return 1
    if not word.isdigit():
        raise fail(f"group {name}: the threshold is all, any or a number, not {word!r}")
    k = int(word)
    if not 1 <= k <= size:
        raise fail(f"group {name}: threshold {k} is not between 1 and its {size} members")
    return k


def _refuse_cycles(groups: dict[str, Group], lines: dict[str, int]) -> None:
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = " -> ".join([*path[path.index(name) :], name])
            raise PolicyError(f"policy line {lines[name]}: groups contain themselves: {cycle}")
        if name in done or name not in groups:
            return
        for member in groups[name].members:
            visit(member, [*path, name])
        done.add(name)

    for name in groups:
        visit(name, [])
