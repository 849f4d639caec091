"""Who acts: the types of the people behind a request, a service call or a policy question
(docs/architecture.md, "How a request flows").

- ``Actor``: a signed-in user of the platform (the accounts ``User``). Services that change
  something take one; ``Actor | None`` where a scheduled job acts too (no person behind it).
- ``Visitor``: whoever asks for a page, signed in or not (``Actor | AnonymousUser``). The
  permission chokepoint and the selectors behind public pages take one.
- ``AuthenticatedHttpRequest``: the request of a view behind ``login_required``, whose ``user``
  is an ``Actor``. It exists for the type checker only; at run time the request is Django's own.

The user model is imported for the type checker only, and by way of Django's AUTH_USER_MODEL
setting, so that any module (the chokepoint, the workflow kernel) may import these names without
loading the models, and core does not import the accounts app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # The type checker's Django plugin reads `_User` as the AUTH_USER_MODEL (accounts' User), so
    # core names the user model without importing the accounts app.
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import _User as User

type Actor = User
type Visitor = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: User
