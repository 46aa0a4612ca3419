from __future__ import annotations

from django.conf import settings

from hashbank.publishing import selectors


def check_witness_quorum() -> tuple[bool, str]:
    """Not ready when, fail-closed, the latest sealed checkpoint has waited for its witnesses'
    quorum longer than the publish timeout: the reason names each witness's last answer."""
    if not settings.HASHBANK_WITNESS_POLICY:
        return True, "no witness policy (checkpoints published as sealed)"
    problem = selectors.quorum_problem()
    if problem:
        return False, problem
    return True, selectors.summary()
