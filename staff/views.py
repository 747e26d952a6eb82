"""The team page of city admins (``/planung/team/``) and the page of the invitation link
(``/planung/einladung/#<token>``). Views parse and show; the rules are in staff.services."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from geo.errors import Forbidden, NotFound, ServiceError
from geo.permissions import is_board_member, is_city_admin, is_moderator, is_planner
from quartiere.models import Area, Level
from staff import selectors, services
from staff.backoffice import office_context
from staff.models import Role, TrialogRole
from staff.scope import cities_of
from staff.trialog import trialog_role_revoke, trialog_role_verify, trialog_roles

TOKEN_MAX = 2000  # characters of a pasted token or link looked at


def _admin(request: HttpRequest) -> HttpResponse | None:
    """None when the request's user may open the team pages; else the redirect to sign in."""
    if not request.user.is_authenticated:
        login_url = reverse("planning:login")
        return HttpResponseRedirect(f"{login_url}?next={quote(request.get_full_path())}")
    if not is_city_admin(request.user):
        raise PermissionDenied(_("The team pages are for city admins."))
    return None


def _team_page(
    request: HttpRequest, *, status: int = 200, invite: dict | None = None, trialog: dict | None = None
) -> HttpResponse:
    actor = request.user
    context = {
        **office_context(request, "team"),
        "members": selectors.team_members(actor),
        "invitations": selectors.open_invitations(actor),
        "events": selectors.team_events(actor),
        "cities": selectors.team_cities(actor),
        "trialog_cities": selectors.team_cities(actor, region=False),
        "roles": Role.choices,
        "invite": invite or {"values": {}, "errors": {}},
        "invite_days": settings.STAFF_INVITATION_DAYS,
        "scoped": cities_of(actor) is not None,
        "now": timezone.now(),
        "trialog_roles": trialog_roles(actor),
        "trialog_kinds": TrialogRole.Kind.choices,
        "trialog": trialog or {"values": {}, "errors": {}},
    }
    return render(request, "staff/team.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def team(request: HttpRequest) -> HttpResponse:
    """``/planung/team/``: the staff of the admin's cities, open invitations, the invite form, the audit."""
    return _admin(request) or _team_page(request)


def accept_url(request: HttpRequest) -> str:
    """The absolute address of the invitation page for the email: under ``PUBLIC_URL`` when it is set
    (not trusting the request's Host for a link mailed to someone else), else the request's own."""
    path = reverse("staff:invitation")
    return settings.PUBLIC_URL + path if settings.PUBLIC_URL else request.build_absolute_uri(path)


def _done(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("staff:team"), status=303)


def _refused(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """A refused or impossible action: 403 page, 404, or the team page with the reason on top."""
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message)
    if isinstance(error, NotFound):
        raise Http404(error.message)
    messages.error(request, error.message)
    return _team_page(request, status=error.status)


@never_cache
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    """Invite an email address into a role (and city); errors beside the fields (400)."""
    if redirect := _admin(request):
        return redirect
    values = {key: request.POST.get(key, "").strip() for key in ("email", "role", "city")}
    city = None
    try:
        if values["city"]:
            city = _city_from(values["city"], region=True)
        invitation, _token = services.invitation_create(
            email=values["email"],
            role=values["role"],
            city=city,
            actor=request.user,
            accept_url=accept_url(request),
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"email": error.messages}
        return _team_page(request, status=400, invite={"values": values, "errors": errors})
    return _done(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})


@never_cache
@require_POST
def team_roles(request: HttpRequest, user_id: int) -> HttpResponse:
    if redirect := _admin(request):
        return redirect
    try:
        services.staff_set_role(user_id=user_id, roles=request.POST.getlist("roles"), actor=request.user)
    except ServiceError as error:
        return _refused(request, error)
    return _done(request, _("The roles have been saved."))


@never_cache
@require_POST
def team_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) an account."""
    if redirect := _admin(request):
        return redirect
    try:
        if request.POST.get("active") == "1":
            services.staff_reactivate(user_id=user_id, actor=request.user)
            message = _("The account has been reactivated.")
        else:
            services.staff_deactivate(user_id=user_id, actor=request.user)
            message = _("The account has been deactivated.")
    except ServiceError as error:
        return _refused(request, error)
    return _done(request, message)


@never_cache
@require_POST
def team_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    if redirect := _admin(request):
        return redirect
    try:
        services.invitation_withdraw(invitation_id=invitation_id, actor=request.user)
    except ServiceError as error:
        return _refused(request, error)
    return _done(request, _("The invitation has been withdrawn."))


def _city_from(value: str, *, region: bool = False) -> Area:
    """The city (``region``: or the region) whose id the form sent; ``ServiceError`` on ``city`` for
    anything else."""
    digits = value.isdigit() and len(value) < 19
    levels = (Level.REGION, Level.CITY) if region else (Level.CITY,)
    city = Area.objects.filter(level__in=levels, pk=int(value) if digits else 0).first()
    if city is None:
        raise ServiceError(_("Choose one of the cities in the list."), "city")
    return city


@never_cache
@require_POST
def team_trialog(request: HttpRequest) -> HttpResponse:
    """Verify a citizen account's Trialog role in a city; errors beside the fields (400)."""
    if redirect := _admin(request):
        return redirect
    values = {key: request.POST.get(key, "").strip()[:300] for key in ("email", "kind", "city")}
    try:
        role = trialog_role_verify(
            email=values["email"], city=_city_from(values["city"]), kind=values["kind"], actor=request.user
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        errors = {error.field or "email": [error.message]}
        return _team_page(request, status=400, trialog={"values": values, "errors": errors})
    return _done(
        request,
        _("%(email)s is verified as %(role)s.") % {"email": role.user.email, "role": role.get_kind_display()},
    )


@never_cache
@require_POST
def team_trialog_revoke(request: HttpRequest, role_id: int) -> HttpResponse:
    if redirect := _admin(request):
        return redirect
    try:
        trialog_role_revoke(role_id=role_id, actor=request.user)
    except ServiceError as error:
        return _refused(request, error)
    return _done(request, _("The Trialog role has been withdrawn."))


def parse_token(value: str) -> str:
    """The token from what the form sent: the token itself (the page's script takes it from the link's
    fragment) or the whole link pasted."""
    value = value.strip()[:TOKEN_MAX]
    if "#" in value:
        value = value.rsplit("#", 1)[1].strip()
    return value


def start_page(user) -> str:
    """Where a staff member lands after signing in (an invitation, or /planung/anmelden/ without
    ``next``): the start page of their role; anyone else on ``LOGIN_REDIRECT_URL`` (the overview)."""
    if is_planner(user):
        return reverse("planning:start")
    if is_moderator(user):
        return "/moderation/"
    if is_city_admin(user):
        return reverse("staff:team")
    if is_board_member(user):
        return "/planung/szenarien/"  # the scenarios shared with the strategy board
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest) -> HttpResponse:
    """``/planung/einladung/``: the page of the link ``/planung/einladung/#<token>``. GET shows the form
    (the page's script moves the token from the fragment into it; without script it is pasted); POST
    (token and passwords in the body) sets the password, signs the person in and redirects to their
    start page; an unknown, used, withdrawn or expired token → a page saying so (404/410)."""
    context: dict = {"state": "form", "errors": {}, "token": ""}
    status = 200
    if request.method == "POST":
        token = parse_token(request.POST.get("token", ""))
        context["token"] = token
        try:
            user = services.invitation_accept(
                token=token,
                password=request.POST.get("password", ""),
                password_again=request.POST.get("password_again", ""),
            )
        except services.InvitationInvalid as error:
            context["state"], context["message"] = error.state, error.message
            status = 404 if error.state == "invalid" else 410
        except ValidationError as error:
            context["errors"], status = error.message_dict, 400
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set and you are signed in."))
            return HttpResponseRedirect(start_page(user), status=303)
    response = render(request, "staff/invitation.html", context, status=status)
    # no token is ever in this page's URL (see participation's deletion page)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
