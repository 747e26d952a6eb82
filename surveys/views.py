"""Public survey pages: the form (server-rendered; only the place question needs script), the
thanks page and the results (charts as HTML bars with their numbers, published free text, places
fetched as GeoJSON)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from geo.errors import Conflict, ServiceError
from participation.privacy import browser_id, new_browser_id, set_browser_cookie
from participation.throttling import AnonymousWriteThrottle
from quartiere.selectors import area_extent
from surveys import selectors, services
from surveys.models import SCALE_MAX, SCALE_MIN, TEXT_MAX, Kind, Question, Survey, SurveyResponse


class SurveyThrottle(AnonymousWriteThrottle):
    """Anonymous responses per client; signed-in people answer once per account anyway."""

    setting = "SURVEYS_ANON_RATE"
    scope = "survey"


def _survey(consultation: str) -> Survey:
    survey = selectors.survey_of(consultation) if len(consultation) <= 100 else None
    if survey is None:
        raise Http404(_("This consultation has no survey."))
    return survey


def submitted(request, question: Question) -> list[str]:
    """What the form sent for ``question``: its values, or [lon, lat] for a place."""
    name = services.question_field(question)
    if question.kind == Kind.PLACE:
        lon, lat = request.POST.get(f"{name}_lon", ""), request.POST.get(f"{name}_lat", "")
        return [lon, lat] if (lon.strip() or lat.strip()) else []
    return request.POST.getlist(name)


def answered_before(request, survey: Survey) -> bool:
    user = request.user
    if user.is_authenticated:
        return SurveyResponse.objects.filter(survey=survey, user=user).exists()
    browser = browser_id(request)
    return bool(browser) and SurveyResponse.objects.filter(survey=survey, browser=browser).exists()


def _map_config(survey: Survey) -> dict[str, Any]:
    consultation = survey.consultation
    return {
        "basemapUrl": settings.BASEMAP_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        "view": area_extent(area_id=consultation.area_id or consultation.city_id),
        "messages": {
            "chosen": _("Place chosen: %(lat)s, %(lon)s. You can move it again."),
            "cleared": _("No place chosen."),
        },
    }


def _message(request, survey: Survey, text: str, status: int) -> HttpResponse:
    return render(request, "surveys/message.html", {"survey": survey, "message": text}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_form(request, consultation: str):
    """``/beteiligung/<consultation>/umfrage/``: the questions; a POST stores one response (400 naming
    each question at fault, nothing stored; 409 when this person has answered already)."""
    survey = _survey(consultation)
    questions = list(survey.questions.order_by("position", "id"))
    browser = browser_id(request)
    new_browser = None if browser else new_browser_id()
    values: dict[int, list[str]] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        throttle = SurveyThrottle()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # no DRF view here
            wait = int(throttle.wait() or 60)
            response = _message(
                request, survey, _("Too many responses from your connection; please try again later."), 429
            )
            response["Retry-After"] = str(max(1, wait))
            return response
        values = {q.pk: submitted(request, q) for q in questions}
        try:
            services.response_submit(
                survey_id=survey.pk,
                answers=values,
                user=request.user,
                browser=browser or new_browser,
                honeypot=request.POST.get("website", ""),
            )
        except Conflict as error:
            return _message(request, survey, str(error.message), 409)
        except ServiceError as error:
            if error.status != 400:
                return _message(request, survey, str(error.message), error.status)
            errors = {"": [str(error.message)]}
            status = 400
        except ValidationError as error:
            errors = error.message_dict
            status = 400
        else:
            response = HttpResponseRedirect(reverse("surveys:thanks", args=[consultation]), status=303)
            if new_browser:
                set_browser_cookie(response, new_browser)
            return response
    already = status == 200 and answered_before(request, survey)
    items = [
        {
            "question": q,
            "number": n,
            "name": services.question_field(q),
            "values": values.get(q.pk, []),
            "errors": errors.get(services.question_field(q), []),
            "choices": list(enumerate(q.choices)),
        }
        for n, q in enumerate(questions, start=1)
    ]
    response = render(
        request,
        "surveys/form.html",
        {
            "survey": survey,
            "consultation": survey.consultation,
            "items": items,
            "errors": errors,
            "error_list": [(k, m) for k, ms in errors.items() for m in ms],
            "already": already,
            "is_open": survey.is_open(),
            "scale": [str(v) for v in range(SCALE_MIN, SCALE_MAX + 1)],
            "text_max": TEXT_MAX,
            "has_place": any(q.kind == Kind.PLACE for q in questions),
            "map_config": _map_config(survey),
            "sign_in_needed": not survey.allow_anonymous and not request.user.is_authenticated,
        },
        status=status,
    )
    if new_browser:
        set_browser_cookie(response, new_browser)
    return response


@require_safe
def thanks(request, consultation: str):
    survey = _survey(consultation)
    return render(request, "surveys/thanks.html", {"survey": survey, "consultation": survey.consultation})


@require_safe
def results(request, consultation: str):
    """``…/umfrage/ergebnisse/``: once the survey allows (closed, or results public)."""
    survey = _survey(consultation)
    if not survey.results_visible():
        return _message(
            request, survey, _("The results will be published when the consultation has closed."), 200
        )
    return render(request, "surveys/results.html", results_context(survey, public=True))


def results_context(survey: Survey, *, public: bool) -> dict[str, Any]:
    """What the results template shows (public page and back office alike)."""
    found = selectors.results(survey)
    texts = selectors.published_texts(survey)
    for result in found.questions:
        result.texts = texts.get(result.question.pk, [])
    return {
        "survey": survey,
        "consultation": survey.consultation,
        "results": found,
        "has_place": any(r.question.kind == Kind.PLACE for r in found.questions),
        "places_config": {
            **_map_config(survey),
            "placesUrl": reverse("surveys:places", args=[survey.consultation.slug]),
        },
        "public": public,
    }


@require_safe
def places(request, consultation: str):
    """The answered places as GeoJSON (EPSG:4326), once the results are visible."""
    survey = _survey(consultation)
    if not survey.results_visible():
        raise Http404(_("The results are not published yet."))
    return HttpResponse(selectors.places_geojson(survey.pk), content_type="application/geo+json")
