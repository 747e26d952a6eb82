"""The account's own pages under ``/konto/`` (allauth's sign-up and sign-in pages are beside them):
overview, my contributions, notifications, export (GDPR Art. 15/20) and deletion (Art. 17)."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import selectors, services
from accounts.forms import DeleteForm, NotificationsForm
from geo.errors import ServiceError
from measures.models import MeasureStatus
from participation.models import Category, Outcome, Status
from staff.models import TrialogRole


def account_page(view: Callable) -> Callable:
    """Signed-in accounts only (others → allauth's sign-in page, back here after it); never cached."""

    @login_required(login_url="account_login")
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped


@require_safe
@account_page
def overview(request: HttpRequest) -> HttpResponse:
    """``/konto/``: the account at a glance and the ways to its pages."""
    user: Any = request.user
    return render(
        request,
        "accounts/overview.html",
        {
            "counts": selectors.format_counts(request.user),
            "roles": [
                (city, TrialogRole.Kind(kind).label)
                for city, kind in TrialogRole.objects.filter(user=user).values_list("city__name", "kind")
            ],
            "section": "overview",
        },
    )


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


@require_safe
@account_page
def contributions(request: HttpRequest) -> HttpResponse:
    """``/konto/beitraege/``: the account's contributions with their status, the official response and
    the status of the measures they are linked to; then what it has in the other formats."""
    rows = [
        {
            "c": c,
            "category": _label(Category, c.category),
            "status": _label(Status, c.status),
            "published": c.status == Status.PUBLISHED,
            "response": getattr(c, "response", None),
            "outcome": _label(Outcome, c.response.outcome) if getattr(c, "response", None) else "",
            "measures": [(m, _label(MeasureStatus, m.status)) for m in c.measures.all()],
        }
        for c in selectors.my_contributions(request.user)
    ]
    others = [item for item in selectors.format_counts(request.user) if item[0] != "contributions"]
    return render(
        request,
        "accounts/contributions.html",
        {"rows": rows, "others": others, "section": "contributions"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@account_page
def notifications(request: HttpRequest) -> HttpResponse:
    """``/konto/benachrichtigungen/``: which emails the account wants (opt-in)."""
    current = selectors.notification_settings(request.user)
    if request.method == "POST":
        form = NotificationsForm(request.POST)
        if form.is_valid():
            services.notifications_set(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("konto_notifications")
        status = 400
    else:
        form = NotificationsForm(
            initial={"on_response": current.on_response, "on_measure_status": current.on_measure_status}
        )
        status = 200
    return render(
        request, "accounts/notifications.html", {"form": form, "section": "notifications"}, status=status
    )


@require_safe
@account_page
def export(request: HttpRequest) -> HttpResponse:
    """``/konto/export/``: all data of the account as one JSON file (GDPR Art. 15 and 20)."""
    body = json.dumps(selectors.account_export(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="quartiersatlas-konto-{stamp}.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@account_page
def delete(request: HttpRequest) -> HttpResponse:
    """``/konto/loeschen/``: delete the account and all its data (GDPR Art. 17), confirmed with the
    password. A wrong password: 400, nothing deleted."""
    status = 200
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.account_delete(user=request.user, password=form.cleaned_data["password"])
            except ServiceError as error:
                form.add_error("password" if error.field else None, error.message)
            else:
                logout(request)
                return render(request, "accounts/deleted.html")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "counts": selectors.format_counts(request.user), "section": "delete"},
        status=status,
    )
