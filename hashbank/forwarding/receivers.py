"""Connected in ForwardingConfig.ready(): a stored forward is delivered once its transaction
commits (robust: a broker that is down must not turn the member's committed request into an
error; the periodic `run_due` picks the forward up)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from hashbank.forwarding import tasks
from hashbank.forwarding.events import forward_stored


@receiver(forward_stored, dispatch_uid="forwarding.deliver_after_commit")
def deliver_after_commit(*, forward_pk: int, **_kwargs) -> None:
    transaction.on_commit(partial(tasks.deliver_forward.delay, forward_pk), robust=True)
