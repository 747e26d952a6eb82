"""Surveys inside a consultation: questions (single and multiple choice, scale 1–5, free text, a place on
the map), one response per person, results and downloads."""

from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("Surveys")

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo``: the illustrative survey "Mobilität im Quartier"."""
        from surveys.demo import load_demo

        return load_demo(demo_dir)

    def ready(self) -> None:
        register()


def register() -> None:
    """The survey format, its moderation queue and its personal data (participation.formats)."""
    from django.db.models import Q
    from django.template.loader import render_to_string

    from geo.permissions import is_moderator
    from participation import formats
    from surveys import selectors, services
    from surveys.models import Survey, SurveyResponse

    def survey_in(consultation) -> Survey | None:
        return Survey.objects.filter(consultation=consultation).select_related("consultation").first()

    def panel(request, consultation) -> str:
        survey = survey_in(consultation)
        if survey is None:
            return ""
        return render_to_string(
            "surveys/panel.html",
            {
                "slug": consultation.slug,
                "is_open": survey.is_open(),
                "results_visible": survey.results_visible(),
                "responses": SurveyResponse.objects.filter(survey=survey).count(),
            },
            request=request,
        )

    def received(consultation) -> list:
        survey = survey_in(consultation)
        n = SurveyResponse.objects.filter(survey=survey).count() if survey else 0
        return [(_("survey responses"), n)]

    formats.register(
        formats.Format(
            key="survey",
            label=_("survey"),
            uses=lambda: Q(survey__isnull=False),
            panel=panel,
            received=received,
            order=20,
        )
    )
    formats.register_queue(
        formats.ModerationQueue(
            key="survey_answers",
            label=_("Free-text answers of surveys"),
            url_name="surveys_office:moderation",
            pending=lambda user: selectors.pending_answers(user).count() if is_moderator(user) else 0,
        )
    )
    formats.register_personal_data(
        formats.PersonalData(
            key="survey_responses",
            label=_("Survey responses"),
            export=services.responses_export,
            erase=services.responses_erase,
        )
    )
