"""Refusals on pages: one path from a service's `DomainError` to what the person sees, as the API
has one to problem+json (`usefirst.api.errors`). Views do not catch `DomainError`; they let it
escape, and one of three things happens.

1. **Any page** (the default): `RefusalPageMiddleware` renders the site's error page with the
   error's status — 403 (not allowed), 404 (not there, or not for you), 409 (the state has moved
   on), 400/422 (the input cannot be accepted) — saying in Chinese what was refused and why (the
   `detail`), with a way back: the referring page when it is on this site, else the workspace
   (signed in) or the home page.
2. **An action button** (a POST that is not a form page: submit, withdraw, confirm, cancel…):
   the view names the page it returns to with `refusals_return_to(request, url)` before it calls
   the service. A refusal then goes back there with the `detail` as an error flash (the same
   redirect the view makes on success, with a success flash). `button_action` does the whole
   round: service, success flash, redirect.
3. **A form page**: the view calls the service inside `with form_refusal(form) as refused:` and
   re-renders the form with status 400 when `refused`; `apply_to_form` puts each of the error's
   `field_errors` on its field (unknown keys, or an error without field errors, become the
   form's non-field errors), and the page's error summary (`core/_error_summary.html`) lists
   them.

The one rule between them: a 403 or 404 refusal (`Forbidden`, `NotFound`) is always the error
page of rule 1, even from an action button or a form — the person is not allowed to do this, or
the thing is not there for them, and nothing on the page can put it right. The only exception
is a 403 the person can put right where they are (a wrong signing password): the view names its
code, `refusals_return_to(request, url, keep=("password_incorrect",))`. A page that shows every
refusal itself, with the refusal's own status (a listing whose filter or page number is wrong,
the engagement page of matchmaking), says so with `form_refusal(..., any_status=True)`.

Every code raised is listed in `usefirst.core.error_codes`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError

# Refusals the person cannot put right on the page they acted on.
NOT_ON_THE_PAGE = (403, 404)

API_PREFIX = "/api/v1/"
_RETURN_TO = "_usefirst_refusals_return_to"

_TEMPLATES = {403: "403.html", 404: "404.html"}
_HEADINGS = {
    400: "未能完成此操作",
    409: "操作与当前状态不符，未能完成",
    413: "提交的内容过大，未能完成",
    422: "提交的内容有误，未能完成",
    429: "操作过于频繁，请稍后再试",
}


def refusals_return_to(request: HttpRequest, url: str, *, naming: str = "", keep: tuple[str, ...] = ()) -> None:
    """An action button's view: a refusal of this request goes back to `url` (a path or a URL
    name) with its detail as an error flash, after `naming` (the item concerned, for a page that
    lists several); `keep` names the codes of 403 refusals that go back too — rule 2 of the
    module docstring."""
    setattr(request, _RETURN_TO, (url, naming, keep))


def button_action(
    request: HttpRequest, done: str, call: Callable[[], object], back: str, *, keep: tuple[str, ...] = ()
) -> HttpResponse:
    """An action button from start to end: run the service, go back to `back` with `done` as a
    success flash, or (a refusal) with its reason — rule 2 of the module docstring."""
    refusals_return_to(request, back, keep=keep)
    call()
    messages.success(request, done)
    return redirect(back)


def way_back(request: HttpRequest) -> str:
    """The referring page when it is on this site (and not the refused page itself), else the
    workspace for a signed-in person, else the home page."""
    referer: str = request.META.get("HTTP_REFERER", "")
    if (
        referer
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        and referer != request.build_absolute_uri()
    ):
        return referer
    user = getattr(request, "user", None)
    return reverse("accounts:workspace") if user is not None and user.is_authenticated else reverse("home")


def refusal_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error page of one refusal: its status, its detail, a way back."""
    status = error.status if 400 <= error.status < 500 else 400
    template = _TEMPLATES.get(status, "core/refused.html")
    context = {
        "exception": error.detail,  # the name Django's own 403/404 handlers give the message
        "detail": error.detail,
        "code": error.code,
        "heading": _HEADINGS.get(status, _HEADINGS[400]),
        "back": way_back(request),
    }
    response = render(request, template, context, status=status)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class RefusalPageMiddleware:
    """Rules 1 and 2 of the module docstring, for every page outside the API (which answers
    problem+json through its own handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith(API_PREFIX):
            return None
        back, naming, keep = getattr(request, _RETURN_TO, ("", "", ()))
        if back and request.method == "POST" and (exception.status not in NOT_ON_THE_PAGE or exception.code in keep):
            messages.error(request, naming + exception.detail)
            return redirect(back)
        return refusal_page(request, exception)


def apply_to_form(form: forms.Form, error: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form: each field error next to its field (`aliases` maps
    a service's name to the form's, e.g. `field_id` → `field`); errors of names the form does
    not have, and the detail of an error without field errors, as non-field errors."""
    aliases = aliases or {}
    if not error.field_errors:
        form.add_error(None, error.detail)
        return
    for name, field_messages in error.field_errors.items():
        target = aliases.get(name, name)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)


@contextmanager
def form_refusal(
    form: forms.Form | None = None,
    *,
    aliases: dict[str, str] | None = None,
    apply: Callable[[DomainError], None] | None = None,
    any_status: bool = False,
) -> Iterator[list[DomainError]]:
    """Rule 3 of the module docstring: run the service inside `with form_refusal(form) as refused:`;
    a refusal lands on the form (by `apply_to_form`, or by `apply(error)` for a page without a
    Django form or with several) and `refused` holds it, so the view re-renders with status 400.
    403 and 404 refusals go on to the error page, except with `any_status` (a listing whose
    filters or page number are refused shows the listing with the reason)."""
    refused: list[DomainError] = []
    try:
        yield refused
    except DomainError as error:
        if error.status in NOT_ON_THE_PAGE and not any_status:
            raise
        if apply is not None:
            apply(error)
        elif form is not None:
            apply_to_form(form, error, aliases=aliases)
        refused.append(error)
