"""A small bank for console tests: signing keys, a sealed case, a member with a credential, and an
open dispute against one of the case's signals. Built only through the owning apps' services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command

ATTESTED = {"adult": True, "depicted": True, "consent": True}


def pdq() -> dict:
    return {"type": "pdq", "value": secrets.token_hex(32), "quality": 92}


def md5() -> dict:
    return {"type": "md5", "value": secrets.token_hex(16)}


@dataclass
class World:
    case: Any
    pin: str
    member: Any
    credential: Any
    token: str
    dispute: Any

    def case_signal(self, signal_type: str = "pdq") -> Any:
        return self.case.case_signals.select_related("signal").get(signal__signal_type=signal_type)


def init_keys(settings, tmp_path) -> None:
    settings.HASHBANK_KEY_DIR = tmp_path / "keys"
    settings.HASHBANK_SIGNING_KEYS = ""
    call_command("keys", "init", verbosity=0)


def build_world() -> World:
    from hashbank.cases import services as cases
    from hashbank.disputes import services as disputes
    from hashbank.ledger import services as ledger
    from member_portal.members import services as members

    case, pin = cases.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)
    ledger.seal()
    member = members.create_member(slug="acme", name="Acme Video")
    credential, token = members.issue_credential(member=member)
    signal = case.case_signals.get(signal__signal_type="pdq").signal
    dispute, _ = disputes.raise_dispute(
        member=member,
        signal_type="pdq",
        value=signal.value,
        reason="false_positive",
        note="not ours",
    )
    return World(case, pin, member, credential, token, dispute)
