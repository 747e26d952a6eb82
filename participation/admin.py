from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from geo.admin import HistoryAdmin, MapAdmin, ReadOnlyAdmin
from participation import consultations, moderation, selectors
from participation.models import Action, Consultation, Contribution, ModerationEvent, Response
from participation.permissions import can_see_personal_data, is_moderator
from participation.selectors import Review
from participation.services import ParticipationError
from staff.scope import OwnCitiesAdmin, in_own_cities


class ConsultationAdminForm(forms.ModelForm):
    """Checks a consultation with ``participation.consultations.consultation_check``, the rules the
    back office's writes obey, and shows their reasons beside the fields."""

    class Meta:
        model = Consultation
        exclude: list[str] = []  # every field the admin shows (ModelAdmin narrows it)

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            consultations.consultation_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Consultation)
class ConsultationAdmin(OwnCitiesAdmin, HistoryAdmin, MapAdmin):
    """Writes through ``consultation_create`` / ``consultation_update`` (audited, scoped)."""

    form = ConsultationAdminForm
    list_display = ["title", "city", "opens_at", "closes_at", "moderation", "allow_anonymous"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["measures"]
    # the evaluation is written in the back office (/planung/verfahren/<id>/auswertung/), through
    # participation.portal.services.consultation_evaluate
    exclude = ["evaluation", "evaluation_published_at"]

    def save_model(self, request, obj, form, change):
        values = {name: getattr(obj, name) for name in consultations.CONSULTATION_FIELDS}
        if change:
            consultations.consultation_update(
                consultation_id=obj.pk, expected_revision=None, user=request.user, **values
            )
        else:
            obj.pk = consultations.consultation_create(user=request.user, **values).pk


class ResponseInline(admin.StackedInline):
    """The official response, written through ``moderation.response_set`` (``ContributionAdmin.
    save_formset``): validated, audited and mailed to the contributor like one from the API."""

    model = Response
    extra = 0
    max_num = 1
    can_delete = False
    exclude = ["author"]


def _moderate(action: str, label):
    @admin.action(description=label)
    def run(modeladmin, request, queryset):
        if not is_moderator(request.user):
            modeladmin.message_user(request, _("Only moderators may do this."), messages.ERROR)
            return
        done = 0
        for contribution in queryset:
            try:
                moderation.contribution_moderate(
                    contribution_id=contribution.pk, action=action, actor=request.user, reason="admin"
                )
                done += 1
            except ParticipationError as error:
                modeladmin.message_user(request, f"#{contribution.pk}: {error.message}", messages.WARNING)
        modeladmin.message_user(request, _("%(n)d contributions changed.") % {"n": done})

    run.__name__ = f"moderate_{action}"
    return run


@admin.action(description=_("Dismiss the open flags (stays published)"))
def dismiss_flags(modeladmin, request, queryset):
    if not is_moderator(request.user):
        modeladmin.message_user(request, _("Only moderators may do this."), messages.ERROR)
        return
    done = 0
    for contribution in queryset:
        try:
            done += moderation.flags_dismiss(
                contribution_id=contribution.pk, actor=request.user, note="admin"
            )
        except ParticipationError as error:
            modeladmin.message_user(request, f"#{contribution.pk}: {error.message}", messages.WARNING)
    modeladmin.message_user(request, _("%(n)d flags dismissed.") % {"n": done})


REVIEW_LABELS = {
    Review.AUTO_HIDDEN: _("hidden automatically, awaiting review"),
    Review.REPORTED: _("reported, still published"),
    Review.PENDING: _("pending"),
}


class ReviewFilter(admin.SimpleListFilter):
    """The parts of the moderation queue (``selectors.with_review``) with their counts,
    automatically hidden contributions first."""

    title = _("moderation queue")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        rows = selectors.with_review(Contribution.objects.all()).values("review").annotate(n=Count("id"))
        counts = {row["review"]: row["n"] for row in rows.order_by()}
        return [(key, f"{label} ({counts.get(key, 0)})") for key, label in REVIEW_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() not in Review.ALL:
            return queryset
        return queryset.filter(review=self.value())


@admin.register(Contribution)
class ContributionAdmin(MapAdmin):
    """Status changes go through the moderation actions (audited), not through the form. The list
    starts with what needs a moderator: automatically hidden contributions (restore them with
    "Publish" or keep them hidden with "Confirm the hide"; both close their open flags), then reported
    ones still published, then pending ones; the filter "moderation queue" shows each part."""

    list_display = [
        "id",
        "consultation",
        "status",
        "review",
        "open_flags",
        "category",
        "origin",
        "created_at",
    ]
    list_filter = [ReviewFilter, "status", "category", "origin", "consultation"]
    search_fields = ["text", "pseudonym"]
    readonly_fields = ["status", "reject_reason", "version", "created_at", "author"]
    exclude = ["delete_token_hash"]
    inlines = [ResponseInline]
    actions = [
        _moderate(Action.PUBLISH, _("Publish (restores a hidden one, closes its flags)")),
        _moderate(Action.CONFIRM_HIDE, _("Confirm the hide (stays hidden, closes its flags)")),
        _moderate(Action.HIDE, _("Hide")),
        _moderate(Action.REJECT, _("Reject (reason: admin)")),
        dismiss_flags,
    ]

    def get_queryset(self, request):
        # staff tied to cities see those cities' contributions only (staff.scope)
        return selectors.with_review(in_own_cities(super().get_queryset(request), request.user))

    def get_ordering(self, request):
        # an expression, not the annotation: other admins order their choices of contributions by it
        return [selectors.review_urgency().asc(), "-created_at"]

    @admin.display(description=_("moderation queue"), ordering="urgency")
    def review(self, contribution) -> str:
        return str(REVIEW_LABELS[contribution.review]) if contribution.review else "–"

    @admin.display(description=_("open flags"), ordering="open_flags")
    def open_flags(self, contribution) -> int:
        return contribution.open_flags

    def save_formset(self, request, form, formset, change):
        if formset.model is not Response:
            return super().save_formset(request, form, formset, change)
        # what formset.save() would leave for the admin's change message
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            if not inline.has_changed():
                continue
            data = inline.cleaned_data
            existed = inline.instance.pk is not None
            try:
                response = moderation.response_set(
                    contribution_id=form.instance.pk,
                    text=data["text"],
                    unit=data["unit"],
                    outcome=data["outcome"],
                    date=data.get("date"),
                    measure_id=data["measure"].pk if data.get("measure") else None,
                    actor=request.user,
                )
            except ParticipationError as error:
                message = _("Response not saved: %(error)s") % {"error": error.message}
                self.message_user(request, message, messages.ERROR)
                continue
            if existed:
                formset.changed_objects.append((response, inline.changed_data))
            else:
                formset.new_objects.append(response)
        return None

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not can_see_personal_data(request.user):
            excluded.append("email")
        return excluded


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "contribution_id", "from_status", "to_status", "note"]
    list_filter = ["action"]
