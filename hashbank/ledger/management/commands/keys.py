"""manage.py keys init | rotate | retire KEYID | status: the ledger's signing keys and root documents."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.audit import services as audit
from hashbank.core.errors import DomainError
from hashbank.ledger import roots, selectors, services


class Command(BaseCommand):
    help = "Manage the ledger's signing keys and root-of-trust documents."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "init", help="create the first key and root document (does nothing if present)"
        )
        sub.add_parser(
            "rotate", help="add a new key; old and new keys both sign during the overlap"
        )
        retire = sub.add_parser("retire", help="drop a key from the next root document")
        retire.add_argument("key_id", help="the key id in hex, as `keys status` shows it")
        sub.add_parser("status", help="show the current root document and which keys are loaded")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def do_init(self, **options) -> None:
        doc = roots.init_keys()
        if doc is None:
            self.stdout.write("Root document exists: no key created.")
        else:
            self.stdout.write(f"Created signing key and root document version {doc.version}.")
            self._audit("key.created", {"root_version": doc.version})
        services.seal()
        self.do_status()

    def do_rotate(self, **options) -> None:
        signer, doc = roots.rotate_keys()
        self.stdout.write(
            f"New key {signer.key_id:08x}; root document version {doc.version} lists old and new keys.\n"
            "Retire the old key once every member has fetched the new root document."
        )
        self._audit(
            "key.rotated", {"root_version": doc.version, "new_key_id": f"{signer.key_id:08x}"}
        )

    def do_retire(self, key_id: str, **options) -> None:
        try:
            kid = int(key_id, 16)
        except ValueError:
            raise CommandError("key id must be hexadecimal, e.g. 1a2b3c4d") from None
        doc = roots.retire_key(kid)
        self.stdout.write(f"Retired key {kid:08x}; root document version {doc.version}.")
        self._audit("key.retired", {"root_version": doc.version, "key_id": f"{kid:08x}"})

    def do_status(self, **options) -> None:
        root = selectors.current_root()
        if root is None:
            self.stdout.write("No root document yet: run `manage.py keys init`.")
            return
        self.stdout.write(
            f"Root document version {root.version}, origin {root.origin}, expires {root.expires}"
        )
        for state in selectors.key_states():
            mark = "loaded" if state["loaded"] else "not on this host"
            self.stdout.write(f"  {state['key_id']}  {mark}  {state['key']}")

    def _audit(self, action: str, after: dict) -> None:
        audit.record_event(actor=None, action=action, target="ledger keys", after=after)
