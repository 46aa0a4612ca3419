"""What the mirrors tell the outer apps (docs/architecture.md's signal table).

`mirror_advanced(mirror=...)` is sent after a sync stored a new mirrored checkpoint of a peer's
origin (its transaction committed): members are served it from now on, as they are our own
after `checkpoint_published`. member_portal.webhooks announces it to members' endpoints."""

import django.dispatch

mirror_advanced = django.dispatch.Signal()
