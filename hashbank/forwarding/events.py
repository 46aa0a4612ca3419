"""Forwarding's signal: a forward was stored (sent inside its transaction; `receivers` delivers
it once that commits)."""

from django.dispatch import Signal

forward_stored = Signal()  # forward_pk=
