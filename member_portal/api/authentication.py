"""`Authorization: Bearer hbk_...` for DRF, the scope check, and the per-credential rate limit."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from hashbank.core import ratelimit
from hashbank.core.addresses import client_address
from member_portal.members import services
from member_portal.members.errors import InsufficientScope, InvalidCredential
from member_portal.members.models import SCOPE_FEED_READ, Credential, Member


@dataclass(frozen=True)
class MemberPrincipal:
    """What `request.user` is on the member API: the member behind a credential."""

    member: Member
    credential: Credential
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False

    @property
    def pk(self) -> int:
        return self.member.pk


class BearerAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword or len(header) != 2:
            raise InvalidCredential("Use the header `Authorization: Bearer <token>`.")
        token = header[1].decode("latin-1")
        credential = services.authenticate(token=token, ip=client_address(request))
        return MemberPrincipal(member=credential.member, credential=credential), credential

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="hashbank"'


def check_rate_limit(credential: Credential) -> None:
    """A one-minute window per credential, counted by the bank's one rate limiter."""
    limit = getattr(settings, "HASHBANK_API_RATE_LIMIT", 600)
    if limit > 0:
        ratelimit.enforce(
            scope="api",
            subject=str(credential.pk),
            limit=limit,
            window=60,
            message=f"More than {limit} requests a minute with this credential; slow down.",
        )


class HasScope(BasePermission):
    """The view's `required_scope` must be granted to the credential; rate limit applied here,
    after authentication, so it is counted per credential."""

    def has_permission(self, request, view) -> bool:
        credential = request.auth
        if not isinstance(credential, Credential):
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated("Send `Authorization: Bearer <token>`.")
        scope = getattr(view, "required_scope", None)
        if scope and scope not in credential.scopes:
            raise InsufficientScope(f"This credential lacks the scope {scope}.")
        # A report, dispute or feedback names a hash by its value, and whether the bank knows
        # that value is in the answer (201 or unknown_signal): only a credential that may read
        # the feed, and so knows its values anyway, may ask.
        if (
            getattr(view, "names_signals", False)
            and request.method not in SAFE_METHODS
            and SCOPE_FEED_READ not in credential.scopes
        ):
            raise InsufficientScope(
                f"Naming a hash by its value needs the scope {SCOPE_FEED_READ} too: a credential "
                "that cannot read the feed is not told what it holds."
            )
        check_rate_limit(credential)
        return True


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "member_portal.api.authentication.BearerAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "hbk_<key id>_<secret>"}
