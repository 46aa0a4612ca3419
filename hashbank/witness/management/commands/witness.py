"""manage.py witness init | show | add-log ORIGIN VKEY [VKEY...] | remove-key ORIGIN KEYID |
remove-log ORIGIN | list: the bank's witness key and the logs it witnesses (docs/witness.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from hashbank.witness import keys, selectors, services


class Command(BaseCommand):
    help = "Manage the witness the bank runs for its peers: its key and the logs it witnesses."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the witness key (does nothing if present)")
        sub.add_parser(
            "show", help="print the witness name and verifier key (key on the last line)"
        )
        add = sub.add_parser("add-log", help="witness a log, trusting these keys (or add keys)")
        add.add_argument("origin")
        add.add_argument("vkeys", nargs="+", metavar="VKEY")
        remove_key = sub.add_parser("remove-key", help="stop trusting one key of a log")
        remove_key.add_argument("origin")
        remove_key.add_argument("key_id", help="the key id in hex, as `witness list` shows it")
        remove_log = sub.add_parser("remove-log", help="forget a log that was never cosigned")
        remove_log.add_argument("origin")
        sub.add_parser("list", help="the witnessed logs, their sizes and keys")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def do_init(self, **options) -> None:
        cosigner, created = services.init_key()
        if created:
            self.stdout.write(f"Created witness key {cosigner.key_id:08x} for {cosigner.name}.")
        else:
            self.stdout.write(f"Witness key {cosigner.key_id:08x} exists: no key created.")

    def do_show(self, **options) -> None:
        verifier = selectors.witness_verifier()
        if verifier is None:
            raise CommandError(
                f"no witness key for {keys.witness_name()}: run `manage.py witness init`"
            )
        # The key stays the last line, so that scripts can `tail -1`.
        self.stdout.write(f"Witness name: {verifier.name}\nVerifier key:\n{verifier}")

    def do_add_log(self, origin: str, vkeys: list[str], **options) -> None:
        added = services.add_log(origin=origin, vkeys=vkeys)
        if not added:
            self.stdout.write(f"{origin}: every key given is trusted already.")
        for vkey in added:
            self.stdout.write(f"{origin}: trusting {vkey}")

    def do_remove_key(self, origin: str, key_id: str, **options) -> None:
        vkey = services.remove_key(origin=origin, key_id=key_id)
        self.stdout.write(f"{origin}: no longer trusting {vkey}")

    def do_remove_log(self, origin: str, **options) -> None:
        services.remove_log(origin=origin)
        self.stdout.write(f"{origin}: removed.")

    def do_list(self, **options) -> None:
        logs = selectors.logs()
        if not logs:
            self.stdout.write("No logs: add one with `manage.py witness add-log ORIGIN VKEY`.")
        for log in logs:
            state = f"cosigned at size {log['size']}" if log["cosigned"] else "never cosigned"
            self.stdout.write(f"{log['origin']}  {state}")
            for vkey in log["keys"]:
                self.stdout.write(f"  key      {vkey}")
            for vkey in log["removed_keys"]:
                self.stdout.write(f"  removed  {vkey}")
