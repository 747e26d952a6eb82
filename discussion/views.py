"""The discussion's pages: the panel under a contribution, a measure or a consultation (rendered into
their pages through participation.formats), and the plain form posts behind it — comment, reply,
report — which redirect back to the page with a message, and the author's deletion link
``/diskussion/loeschen/#<id>.<token>``. Everything works without script."""

import re

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from discussion import selectors, services, throttling
from discussion.models import TEXT_MAX, Action, CommentEvent, Target
from geo.clients import client_address, client_network
from geo.errors import ServiceError
from participation.models import FlagReason, Moderation, Status
from participation.privacy import browser_id, new_browser_id, set_browser_cookie

# the URL's word for each target: /diskussion/beitraege/<id>/, /diskussion/massnahmen/<id>/, …
SEGMENTS: dict[str, str] = {
    "beitraege": Target.CONTRIBUTION,
    "massnahmen": Target.MEASURE,
    "verfahren": Target.CONSULTATION,
}
SEGMENT_OF = {target: segment for segment, target in SEGMENTS.items()}
TAG = "discussion"  # the messages this app adds carry it; the panel shows only those


def target_url(target: str, obj) -> str:
    """The public page of what a comment is about."""
    if target == Target.CONTRIBUTION:
        return reverse("participation:contribution", args=[obj.pk])
    if target == Target.MEASURE:
        return reverse("transparency:measure", args=[obj.pk])
    return f"/beteiligung/{obj.slug}/"


def _mode(target: str, obj) -> str:
    from django.conf import settings

    if target == Target.MEASURE:
        return settings.DISCUSSION_MEASURE_MODERATION
    consultation = obj if target == Target.CONSULTATION else obj.consultation
    return consultation.moderation


def _own_messages(request: HttpRequest) -> list[Message]:
    """The messages this app added (tag ``discussion``). Reading the storage marks all its messages
    as shown: the others (e.g. a sign-in's) are queued again for the page that shows them."""
    storage = messages.get_messages(request)
    own: list[Message] = []
    others: list[Message] = []
    for message in storage:
        (own if TAG in message.tags.split() else others).append(message)
    for message in others:
        messages.add_message(request, message.level, message.message, message.extra_tags)
    return own


def panel(target: str):
    """The panel function registered for one page (``participation.formats.register_panel``)."""

    def render_panel(request: HttpRequest, obj) -> str:
        if target == Target.CONSULTATION and not services.consultation_has_discussion(obj):
            return ""
        consultation = obj if target == Target.CONSULTATION else getattr(obj, "consultation", None)
        open_ = consultation is None or consultation.is_open()
        official = services.may_answer_officially(request.user, obj.city_id)
        notes = _own_messages(request)
        return render_to_string(
            "discussion/panel.html",
            {
                "target": target,
                "segment": SEGMENT_OF[target],
                "obj": obj,
                "threads": selectors.thread(target, obj.pk),
                "accepting": open_ or official,
                "official": official,
                "premoderated": _mode(target, obj) == Moderation.PRE,
                "reasons": FlagReason.choices,
                "notes": notes,
                "next": request.get_full_path(),
                "text_max": TEXT_MAX,
            },
            request=request,
        )

    return render_panel


def _back(request: HttpRequest, fallback: str, anchor: str = "") -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = fallback
    target = target.split("#", 1)[0]
    return HttpResponseRedirect(target + (f"#{anchor}" if anchor else ""))


def _refused(request: HttpRequest, error: ServiceError, back: str) -> HttpResponse:
    response = render(
        request,
        "discussion/refused.html",
        {"error": error.message, "field": error.field, "back": back, "post": request.POST},
        status=error.status,
    )
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def delete_link(request: HttpRequest, comment_id: int, token: str) -> str:
    """The secret deletion link, absolute; the token in the fragment (never sent to a server)."""
    return request.build_absolute_uri(reverse("discussion:delete")) + f"#{comment_id}.{token}"


def _int(value: str | None) -> int | None:
    if value and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


@never_cache
@require_POST
def comment(request: HttpRequest, segment: str, target_id: int) -> HttpResponse:
    """``POST /diskussion/<beitraege|massnahmen|verfahren>/<id>/``: a comment or (``reply_to``) a reply,
    from the panel's form."""
    target = SEGMENTS.get(segment)
    if target is None:
        raise Http404
    back = request.POST.get("next", "/")
    try:
        if not request.user.is_authenticated:
            throttling.check(throttling.CommentThrottle(), request)
        parent = request.POST.get("reply_to") or None
        parent_id = _int(parent)
        if parent is not None and parent_id is None:
            raise ServiceError(_("There is no published comment with this id here to reply to."), "reply_to")
        created = services.comment_create(
            target=target,
            target_id=target_id,
            text=request.POST.get("text", ""),
            parent_id=parent_id,
            pseudonym=request.POST.get("pseudonym", ""),
            email=request.POST.get("email", ""),
            official=request.POST.get("official") == "1",
            unit=request.POST.get("unit", ""),
            user=request.user,
            honeypot=request.POST.get("website", ""),
        )
    except ServiceError as error:
        return _refused(request, error, back)
    c = created.comment
    said = (
        _("Thank you – your comment is published.")
        if c.status == Status.PUBLISHED
        else _(
            "Thank you – your comment awaits moderation and will be shown once a moderator has published it."
        )
    )
    link = delete_link(request, c.pk, created.delete_token)
    messages.success(
        request,
        said + " " + _("To delete it later, keep this secret link; it is shown only once:") + " " + link,
        extra_tags=TAG,
    )
    obj = getattr(c, target)
    return _back(
        request, target_url(target, obj), f"comment-{c.pk}" if c.status == Status.PUBLISHED else "discussion"
    )


@never_cache
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """``POST /diskussion/kommentare/<id>/melden/``: report a comment."""
    back = request.POST.get("next", "/")
    existing = browser_id(request)
    browser = existing or new_browser_id()
    try:
        if not request.user.is_authenticated:
            throttling.check(throttling.CommentFlagThrottle(), request)
        hidden = services.flag_add(
            comment_id=pk,
            reason=request.POST.get("reason", ""),
            user=request.user,
            browser=browser,
            client_address=client_network(client_address(request)),
        )
    except ServiceError as error:
        if error.status == 409:  # already reported: nothing wrong with the request
            messages.info(request, error.message, extra_tags=TAG)
            return _back(request, back, "discussion")
        return _refused(request, error, back)
    said = _("Thank you for the report; a moderator will look at the comment.")
    if hidden:
        said += " " + _("The comment is hidden until then.")
    messages.success(request, said, extra_tags=TAG)
    response = _back(request, "/", "discussion")
    if existing is None:
        set_browser_cookie(response, browser)
    return response


CODE = re.compile(r"(\d{1,18})\.([A-Za-z0-9_-]{1,128})")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delete_own(request: HttpRequest) -> HttpResponse:
    """``/diskussion/loeschen/``: GET asks for confirmation (the page's script moves the code from the
    link's fragment into the form; without script the person pastes it), POST deletes: deleted (200),
    already deleted (410), not valid (404), no code (400)."""
    state, status, error = "confirm", 200, ""
    if request.method == "POST":
        value = request.POST.get("code", "").strip()[:2000]
        value = value.rsplit("#", 1)[-1].strip()
        match = CODE.fullmatch(value)
        if match is None:
            status = 400
            error = _("Code: please paste the code or the whole link you were shown after sending.")
        else:
            comment_id, token = int(match.group(1)), match.group(2)
            try:
                services.comment_delete_own(comment_id=comment_id, token=token)
                state = "deleted"
            except services.NotFound:
                gone = CommentEvent.objects.filter(
                    comment_id=comment_id, action__in=[Action.DELETE_OWN, Action.ERASE]
                ).exists()
                state, status = ("gone", 410) if gone else ("invalid", 404)
    response = render(request, "discussion/delete.html", {"state": state, "error": error}, status=status)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
