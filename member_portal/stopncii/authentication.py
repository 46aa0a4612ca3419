"""StopNCII's auth headers mapped onto hashbank credentials.

`x-functions-key` carries the hashbank token (hbk_...). `Ocp-Apim-Subscription-Key` (Azure API
Management's subscription key, always sent by the stock client) must be the member's slug or the
same token: it names the subscriber, so a token used under another member's name is refused.
"""

from __future__ import annotations

import hmac

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication

from hashbank.core.addresses import client_address
from member_portal.api.authentication import MemberPrincipal
from member_portal.members import services
from member_portal.members.errors import InvalidCredential
from member_portal.stopncii.errors import StopnciiErrorCode


class FunctionKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = request.headers.get("x-functions-key")
        if not token:
            return None
        credential = services.authenticate(token=token, ip=client_address(request))
        # As bytes: compare_digest refuses non-ASCII str, and a header may carry any byte.
        subscription = request.headers.get("Ocp-Apim-Subscription-Key", "").encode()
        if not (
            hmac.compare_digest(subscription, token.encode())
            or hmac.compare_digest(subscription, credential.member.slug.encode())
        ):
            raise InvalidCredential(
                "Ocp-Apim-Subscription-Key must be your member slug (or the same token).",
                code=StopnciiErrorCode.SUBSCRIPTION_KEY_MISMATCH,
            )
        return MemberPrincipal(member=credential.member, credential=credential), credential

    def authenticate_header(self, request) -> str:
        return 'x-functions-key realm="hashbank-stopncii"'


class FunctionKeyScheme(OpenApiAuthenticationExtension):
    target_class = "member_portal.stopncii.authentication.FunctionKeyAuthentication"
    name = ["functionKey", "subscriptionKey"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-functions-key"},
            {"type": "apiKey", "in": "header", "name": "Ocp-Apim-Subscription-Key"},
        ]
