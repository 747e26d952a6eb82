"""Surveys in the back office, ``/planung/umfragen/``: planners build the survey of a consultation
(settings; questions added, reordered, removed while no responses exist, afterwards only their texts
changed), read its results and download all responses as CSV or GeoJSON (EPSG:4326; no account, no
browser id); moderators publish or reject free-text answers. Pages over surveys.services; the city
scope comes from staff.scope."""

import csv
import io
import json
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from geo.permissions import is_moderator, is_planner
from measures.backoffice.forms import OfficeForm
from participation.api.exports import SafeCsv
from participation.models import Consultation
from staff.backoffice import office_context, staff_page
from staff.scope import acts_in, in_own_cities
from surveys import selectors, services
from surveys.models import CHOICE_KINDS, INTRO_MAX, QUESTION_MAX, Kind, Question, Survey, SurveyResponse
from surveys.views import results_context

planner_page = staff_page(is_planner, gettext_lazy("Surveys are built by the planners' group."))
moderator_page = staff_page(
    is_moderator, gettext_lazy("Free-text answers are moderated by the moderators' group.")
)


class SurveyForm(OfficeForm):
    intro = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=INTRO_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    allow_anonymous = forms.BooleanField(
        label=gettext_lazy("Responses without an account allowed"), required=False
    )
    results_public = forms.BooleanField(
        label=gettext_lazy("Results public while the survey is open"),
        required=False,
        help_text=gettext_lazy("Results are always public once the consultation has closed."),
    )


class QuestionForm(OfficeForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=QUESTION_MAX)
    help_text = forms.CharField(
        label=gettext_lazy("Explanation (optional)"), required=False, max_length=QUESTION_MAX
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For single and multiple choice: one choice per line."),
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = data["choices"].splitlines() if data["kind"] in CHOICE_KINDS else []
        return data


def _consultation(request, consultation_id: int) -> Consultation:
    consultation = get_object_or_404(Consultation, pk=consultation_id)
    if not acts_in(request.user, consultation.city_id):
        raise PermissionDenied(_("Your account works for other cities than this consultation's."))
    return consultation


def _survey(request, consultation_id: int) -> Survey:
    consultation = _consultation(request, consultation_id)
    survey = Survey.objects.filter(consultation=consultation).select_related("consultation").first()
    if survey is None:
        raise Http404(_("This consultation has no survey yet."))
    return survey


@planner_page
def survey_list(request):
    """Every consultation of the planner's cities, with its survey (or a link to create one)."""
    responses = (
        SurveyResponse.objects.filter(survey__consultation=OuterRef("pk"))
        .values("survey")
        .annotate(n=Count("id"))
    )
    consultations = (
        in_own_cities(Consultation.objects.all(), request.user)
        .select_related("survey")
        .annotate(responses=Subquery(responses.values("n")))
        .order_by("-opens_at", "id")
    )
    return render(
        request,
        "surveys/backoffice/list.html",
        {**office_context(request, "surveys"), "consultations": consultations, "now": timezone.now()},
    )


def _edit_page(request, consultation: Consultation, *, form=None, question_form=None, status=200, error=""):
    survey = Survey.objects.filter(consultation=consultation).first()
    if form is None:
        initial = (
            {
                "intro": survey.intro,
                "allow_anonymous": survey.allow_anonymous,
                "results_public": survey.results_public,
            }
            if survey
            else {"allow_anonymous": True}
        )
        form = SurveyForm(initial=initial)
    frozen = bool(survey and services.has_responses(survey))
    return render(
        request,
        "surveys/backoffice/edit.html",
        {
            **office_context(request, "surveys"),
            "consultation": consultation,
            "survey": survey,
            "form": form,
            "question_form": question_form or QuestionForm(initial={"kind": Kind.SINGLE}),
            "questions": list(survey.questions.order_by("position", "id")) if survey else [],
            "frozen": frozen,
            "error": error,
        },
        status=status,
    )


@planner_page
def survey_edit(request, consultation_id: int):
    """The survey's settings and its questions; a POST saves the settings (creates the survey)."""
    consultation = _consultation(request, consultation_id)
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if not form.is_valid():
            form.mark()
            return _edit_page(request, consultation, form=form, status=400)
        try:
            services.survey_save(consultation_id=consultation.pk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
            form.mark()
            return _edit_page(request, consultation, form=form, status=getattr(error, "status", 400))
        return redirect(reverse("surveys_office:edit", args=[consultation.pk]) + "?ok=1")
    return _edit_page(request, consultation)


@planner_page
@require_POST
def question_new(request, consultation_id: int):
    consultation = _consultation(request, consultation_id)
    survey = Survey.objects.filter(consultation=consultation).first()
    form = QuestionForm(request.POST)
    if survey is None:
        return _edit_page(request, consultation, status=400, error=_("Save the survey's settings first."))
    if form.is_valid():
        try:
            services.question_add(survey_id=survey.pk, user=request.user, **form.values())
        except ValidationError as error:
            form.add_service_errors(error)
            form.mark()
            return _edit_page(request, consultation, question_form=form, status=getattr(error, "status", 400))
        return redirect(reverse("surveys_office:edit", args=[consultation.pk]) + "#questions")
    form.mark()
    return _edit_page(request, consultation, question_form=form, status=400)


def _question(request, pk: int) -> Question:
    question = get_object_or_404(Question.objects.select_related("survey__consultation"), pk=pk)
    if not acts_in(request.user, question.survey.city_id):
        raise PermissionDenied(_("Your account works for other cities than this consultation's."))
    return question


@planner_page
def question_edit(request, pk: int):
    question = _question(request, pk)
    consultation = question.survey.consultation
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_update(question_id=pk, user=request.user, **form.values())
            except ValidationError as error:
                form.add_service_errors(error)
                status = getattr(error, "status", 400)
            else:
                return redirect(reverse("surveys_office:edit", args=[consultation.pk]) + "#questions")
        else:
            status = 400
        form.mark()
    else:
        form = QuestionForm(
            initial={
                "kind": question.kind,
                "text": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "choices": "\n".join(question.choices),
            }
        )
    return render(
        request,
        "surveys/backoffice/question.html",
        {
            **office_context(request, "surveys"),
            "question": question,
            "consultation": consultation,
            "form": form,
            "frozen": services.has_responses(question.survey),
        },
        status=status,
    )


def _question_write(request, pk: int, write) -> HttpResponse:
    question = _question(request, pk)
    consultation = question.survey.consultation
    try:
        write()
    except ValidationError as error:
        return _edit_page(
            request, consultation, status=getattr(error, "status", 400), error=" ".join(error.messages)
        )
    return redirect(reverse("surveys_office:edit", args=[consultation.pk]) + "#questions")


@planner_page
@require_POST
def question_move(request, pk: int):
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        question = _question(request, pk)
        return _edit_page(request, question.survey.consultation, status=400, error=_("Unknown direction."))
    return _question_write(
        request, pk, lambda: services.question_move(question_id=pk, user=request.user, up=direction == "up")
    )


@planner_page
@require_POST
def question_delete(request, pk: int):
    return _question_write(request, pk, lambda: services.question_delete(question_id=pk, user=request.user))


@planner_page
def results(request, consultation_id: int):
    """The results for staff (also while the public cannot see them yet)."""
    survey = _survey(request, consultation_id)
    context = results_context(survey, public=False)
    context["places_config"]["placesUrl"] = reverse("surveys_office:places", args=[consultation_id])
    return render(
        request, "surveys/backoffice/results.html", {**office_context(request, "surveys"), **context}
    )


@planner_page
def places(request, consultation_id: int):
    survey = _survey(request, consultation_id)
    return HttpResponse(selectors.places_geojson(survey.pk), content_type="application/geo+json")


def _columns(questions: list[Question]) -> list[tuple[str, Question, str]]:
    """(column title, question, part) for the CSV: places as lon and lat, texts with their status."""
    columns = []
    for n, q in enumerate(questions, start=1):
        title = f"{n}. {q.text}"
        if q.kind == Kind.PLACE:
            columns += [(f"{title} (lon)", q, "lon"), (f"{title} (lat)", q, "lat")]
        elif q.kind == Kind.TEXT:
            columns += [(title, q, "text"), (f"{title} ({_('status')})", q, "status")]
        else:
            columns.append((title, q, "value"))
    return columns


def _cell(value: Any, part: str) -> Any:
    if value is None:
        return ""
    if part == "lon":
        return value[0]
    if part == "lat":
        return value[1]
    if part in ("text", "status"):
        return value.get(part, "")
    if isinstance(value, list):
        return "; ".join(value)
    return value


def _filename(survey: Survey, ext: str) -> str:
    return f"umfrage-{survey.consultation.slug}-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


@planner_page
def download_csv(request, consultation_id: int):
    """All responses as CSV (UTF-8 with BOM for spreadsheets): one row each, no personal data."""
    survey = _survey(request, consultation_id)
    questions = list(survey.questions.order_by("position", "id"))
    columns = _columns(questions)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("response"), _("received"), _("Trialog role")] + [SafeCsv.cell(c[0]) for c in columns])
    for rid, at, role, answers in selectors.response_rows(survey.pk):
        writer.writerow(
            [rid, timezone.localtime(at).isoformat(timespec="seconds"), role]
            + [SafeCsv.cell(_cell(answers.get(str(q.pk)), part)) for _t, q, part in columns]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    return response


@planner_page
def download_geojson(request, consultation_id: int):
    """All responses with a place as GeoJSON (EPSG:4326): one feature per place answer, the response's
    other answers as properties; no personal data."""
    survey = _survey(request, consultation_id)
    questions = list(survey.questions.order_by("position", "id"))
    places = [q for q in questions if q.kind == Kind.PLACE]
    features = []
    for rid, at, role, answers in selectors.response_rows(survey.pk):
        properties = {"response": rid, "received": at.isoformat(), "trialog_role": role}
        for n, q in enumerate(questions, start=1):
            if q.kind != Kind.PLACE:
                properties[f"q{n}"] = answers.get(str(q.pk))
        for q in places:
            point = answers.get(str(q.pk))
            if point:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": point},
                        "properties": {**properties, "question": q.text},
                    }
                )
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "geojson")}"'
    return response


@moderator_page
def moderation(request):
    """Pending free-text answers of the moderator's cities; a POST publishes or rejects one."""
    status = 200
    error = ""
    if request.method == "POST":
        pk, decision = request.POST.get("answer", ""), request.POST.get("decision", "")
        if not (pk.isascii() and pk.isdigit() and len(pk) < 18) or decision not in ("publish", "reject"):
            status, error = 400, _("Choose an answer and publish or reject it.")
        else:
            try:
                services.answer_moderate(
                    answer_id=int(pk),
                    user=request.user,
                    publish=decision == "publish",
                    note=request.POST.get("note", ""),
                )
            except ValidationError as found:
                status, error = getattr(found, "status", 400), " ".join(found.messages)
            else:
                return redirect(reverse("surveys_office:moderation") + "?ok=1")
    answers = list(selectors.pending_answers(request.user)[:100])
    return render(
        request,
        "surveys/backoffice/moderation.html",
        {
            **office_context(request, "moderation"),
            "answers": answers,
            "error": error,
            "done": request.GET.get("ok") == "1",
        },
        status=status,
    )
