"""The moderators' queue of comments, ``/moderation/kommentare/``: pending comments and reported ones of
the moderator's cities, each with publish / reject (with a reason) / hide / restore / dismiss reports.
Every write goes through discussion.services (one transaction, logged in CommentEvent)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from discussion import selectors, services
from discussion.models import Action, CommentEvent
from discussion.views import target_url
from geo.errors import ServiceError
from geo.permissions import is_moderator
from staff.backoffice import office_context, staff_page
from staff.scope import in_own_cities

ONLY = gettext_lazy("The comments' queue is for moderators.")
DISMISS = "dismiss_flags"
PAGE = 100


def _state_labels() -> list[tuple[str, str]]:
    return [
        ("queue", _("everything that waits")),
        ("pending", _("pending")),
        ("flagged", _("reported")),
        ("hidden", _("hidden")),
        ("published", _("published")),
        ("rejected", _("rejected")),
    ]


def _target_labels() -> dict[str, str]:
    return {"contribution": _("contribution"), "measure": _("measure"), "consultation": _("consultation")}


@require_safe
@staff_page(is_moderator, ONLY)
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "queue")
    if state not in selectors.QUEUE_STATES:
        state = "queue"
    rows = []
    labels = _target_labels()
    for c in selectors.queue(request.user, state)[:PAGE]:
        kind, _id = c.target
        rows.append({"c": c, "kind": labels[kind], "url": target_url(kind, getattr(c, kind))})
    events = in_own_cities(CommentEvent.objects.exclude(action=Action.CREATE), request.user)[:20]
    return render(
        request,
        "discussion/backoffice/queue.html",
        {
            **office_context(request, "moderation"),
            "rows": rows,
            "state": state,
            "states": _state_labels(),
            "events": events,
            "notes": messages.get_messages(request),
        },
    )


@require_POST
@staff_page(is_moderator, ONLY)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == DISMISS:
            services.flags_dismiss(comment_id=pk, actor=request.user, note=request.POST.get("reason", ""))
        else:
            services.comment_moderate(
                comment_id=pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
            )
    except ServiceError as error:
        if error.status in {400, 409}:
            messages.error(request, _("Comment %(id)d: %(error)s") % {"id": pk, "error": error.message})
            return redirect("discussion_office:queue")
        raise
    messages.success(request, _("Comment %(id)d: done.") % {"id": pk})
    return redirect("discussion_office:queue")
