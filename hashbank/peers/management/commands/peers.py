"""manage.py peers add URL --name NAME --credential TOKEN --expect-key VKEY | list |
suspend NAME | resume NAME | remove NAME: the banks whose logs this bank mirrors
(docs/federation.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from hashbank.peers import selectors, services


class Command(BaseCommand):
    help = "Manage peer banks: pin a peer's key, list, suspend, resume or remove peers."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="peer with the bank at URL (pinning its log key)")
        add.add_argument("url")
        add.add_argument("--name", help="a short name (default: the URL's host, as a slug)")
        add.add_argument("--credential", required=True, help="the peer credential A issued")
        add.add_argument("--expect-key", required=True, help="A's log key, given out of band")
        sub.add_parser("list", help="the peers, their origins and status")
        for action in ("suspend", "resume", "remove"):
            sub.add_parser(action).add_argument("name")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def do_add(self, url: str, name: str | None, credential: str, expect_key: str, **options):
        name = name or default_name(url)
        peer = services.add_peer(name=name, url=url, credential=credential, expect_key=expect_key)
        self.stdout.write(
            f"Peer {peer.name}: {peer.origin} (id {peer.origin_id}), root version "
            f"{peer.anchor_version} pinned; this bank's witness now cosigns it."
        )

    def do_list(self, **options) -> None:
        found = selectors.peers()
        if not found:
            self.stdout.write("No peers: add one with `manage.py peers add URL ...`.")
        for peer in found:
            self.stdout.write(f"{peer.name}  {peer.status}  {peer.origin}  {peer.url}")
            if peer.nudged_at:
                self.stdout.write(
                    f"  nudged at size {peer.nudged_size} entries, {peer.nudged_at.isoformat()}"
                )
            if peer.nudge_failures:
                self.stdout.write(
                    f"  {peer.nudge_failures} nudges failed since: {peer.nudge_error}"
                )

    def do_suspend(self, name: str, **options) -> None:
        services.suspend_peer(name=name)
        self.stdout.write(f"{name}: suspended.")

    def do_resume(self, name: str, **options) -> None:
        services.resume_peer(name=name)
        self.stdout.write(f"{name}: active.")

    def do_remove(self, name: str, **options) -> None:
        services.remove_peer(name=name)
        self.stdout.write(f"{name}: removed.")


def default_name(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return "".join(ch if ch.isalnum() else "-" for ch in host.lower()).strip("-")[:64]
