"""Processes and evaluations in the planners' back office, under ``/planung/verfahren/``: the list of
processes, create and edit one (``prozesse/``), and the evaluation of a closed consultation
(``<id>/auswertung/``: what was decided, the measures that came of it, published or kept as a draft).
Pages over participation.portal.services; the rules (role, city scope, only after closing) are
theirs."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.errors import StaleVersion
from measures.backoffice.forms import OfficeForm
from measures.models import Measure
from participation.backoffice import office_context
from participation.backoffice.consultations import STALE, CityField, cities_for, just_saved, planner_page
from participation.consultations import consultation_revision
from participation.models import EVALUATION_MAX, Consultation, Process
from participation.portal import services
from quartiere.models import Area, Level


class ProcessForm(OfficeForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    city = CityField(label=gettext_lazy("City"), queryset=Area.objects.none(), empty_label=None)

    def __init__(self, *args, cities: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        city: Any = self.fields["city"]
        city.queryset = Area.objects.filter(level=Level.CITY)  # the service checks the scope
        city.widget.choices = [(c.pk, c.name) for c in cities]


def _process_page(request, form: ProcessForm, *, heading: str, process=None, status=200):
    return render(
        request,
        "participation/backoffice/process_form.html",
        {**office_context(request, "consultations"), "form": form, "heading": heading, "process": process},
        status=status,
    )


def _save_process(request, form: ProcessForm, write, **page):
    if not form.is_valid():
        form.mark()
        return _process_page(request, form, status=400, **page)
    try:
        process = write(dict(form.cleaned_data))
    except ValidationError as error:
        form.add_service_errors(error)
        form.mark()
        return _process_page(request, form, status=getattr(error, "status", 400), **page)
    return redirect(reverse("office-consultations:processes") + f"?ok={process.pk}")


@planner_page
def process_list(request):
    """``/planung/verfahren/prozesse/``: the processes of the planner's cities with their steps."""
    cities = cities_for(request.user)
    processes = (
        Process.objects.filter(city__in=cities)
        .select_related("city")
        .annotate(steps=Count("consultations"))
        .order_by("title", "id")
    )
    done = just_saved(request, Process)
    return render(
        request,
        "participation/backoffice/process_list.html",
        {**office_context(request, "consultations"), "processes": processes, "done": done},
    )


@planner_page
def process_new(request):
    cities = cities_for(request.user)
    heading = _("New process")
    if request.method == "POST":
        form = ProcessForm(request.POST, cities=cities)
        return _save_process(
            request,
            form,
            lambda values: services.process_create(user=request.user, **values),
            heading=heading,
        )
    initial = {"city": cities[0].pk if cities else None}
    return _process_page(request, ProcessForm(initial=initial, cities=cities), heading=heading)


@planner_page
def process_edit(request, pk: int):
    cities = cities_for(request.user)
    process = get_object_or_404(Process.objects.select_related("city"), pk=pk)
    if process.city not in cities:
        raise PermissionDenied(_("Your account works for other cities than this process's."))
    heading = _("Process “%(title)s”") % {"title": process.title}
    if request.method == "POST":
        form = ProcessForm(request.POST, cities=cities)
        return _save_process(
            request,
            form,
            lambda values: services.process_update(process_id=pk, user=request.user, **values),
            heading=heading,
            process=process,
        )
    initial = {"title": process.title, "description": process.description, "city": process.city_id}
    return _process_page(
        request, ProcessForm(initial=initial, cities=cities), heading=heading, process=process
    )


class EvaluationForm(OfficeForm):
    evaluation = forms.CharField(
        label=gettext_lazy("What was decided"),
        required=False,
        max_length=EVALUATION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Plain text: what the city decided after this consultation, and why."),
    )
    measures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Measures that came of it"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only published measures are shown on the public page."),
    )
    publish = forms.BooleanField(label=gettext_lazy("Publish the evaluation"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, city_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        measures = Measure.objects.filter(city_id=city_id).order_by("title", "id")
        self.offer(
            "measures",
            [
                (m.pk, m.title if m.published else _("%(title)s (not published)") % {"title": m.title})
                for m in measures
            ],
        )


@planner_page
def evaluation(request, pk: int):
    """``/planung/verfahren/<id>/auswertung/``: the evaluation of a consultation."""
    cities = cities_for(request.user)
    consultation = get_object_or_404(Consultation.objects.select_related("city"), pk=pk)
    if consultation.city not in cities:
        raise PermissionDenied(_("Your account works for other cities than this consultation's."))
    status = 200
    if request.method == "POST":
        form = EvaluationForm(request.POST, city_id=consultation.city_id)
        if form.is_valid():
            try:
                services.consultation_evaluate(
                    consultation_id=pk,
                    evaluation=form.cleaned_data["evaluation"],
                    publish=form.cleaned_data["publish"],
                    measure_ids=form.cleaned_data["measures"],
                    expected_revision=form.cleaned_data.get("revision") or 0,
                    user=request.user,
                )
            except StaleVersion:
                form.add_error(None, str(STALE))
                status = 412
            except ValidationError as error:
                form.add_service_errors(error)
                status = getattr(error, "status", 400)
            else:
                return redirect(reverse("office-consultations:evaluation", args=[pk]) + "?ok=1")
        else:
            status = 400
        form.mark()
    else:
        form = EvaluationForm(
            initial={
                "evaluation": consultation.evaluation,
                "measures": list(consultation.measures.values_list("pk", flat=True)),
                "publish": consultation.evaluation_published_at is not None,
                "revision": consultation_revision(consultation),
            },
            city_id=consultation.city_id,
        )
    return render(
        request,
        "participation/backoffice/evaluation_form.html",
        {
            **office_context(request, "consultations"),
            "form": form,
            "consultation": consultation,
            "closed": consultation.closes_at <= timezone.now(),
            "saved": request.GET.get("ok") == "1" and request.method == "GET",
            "heading": _("Evaluation of “%(title)s”") % {"title": consultation.title},
        },
        status=status,
    )
