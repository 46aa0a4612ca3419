"""The append-only ledger, sealing and signed checkpoints."""
