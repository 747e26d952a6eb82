"""Surveys (Umfragen) inside a consultation: questions, one response per person, answers.

One survey per consultation (a OneToOne): the public address is the consultation's
``/beteiligung/<consultation>/umfrage/``, its time window is the consultation's, and a city that
wants two questionnaires runs two consultations (each with its own window and evaluation). Places
are points in EPSG:25832 inside the consultation's area. No IP address is stored: an anonymous
response carries the random id of the browser's signed cookie (participation.privacy)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField

INTRO_MAX = 5000
QUESTION_MAX = 500
CHOICE_MAX = 200
CHOICES_MAX = 20
TEXT_MAX = 2000
QUESTIONS_MAX = 50
REASON_MAX = 500
SCALE_MIN, SCALE_MAX = 1, 5


class Kind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale", _("scale 1–5")
    TEXT = "text", _("free text")
    PLACE = "place", _("a place on the map")


CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)


class AnswerStatus(models.TextChoices):
    """Free-text answers only: published after moderation. Other answers have none (blank)."""

    PENDING = "pending", _("pending")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class Survey(models.Model):
    """The questionnaire of one consultation; open while the consultation is."""

    consultation = models.OneToOneField(
        "participation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="survey",
    )
    # direct reference to the city (sharding key of the scaling plan)
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=INTRO_MAX)
    allow_anonymous = models.BooleanField(_("responses without an account allowed"), default=True)
    results_public = models.BooleanField(
        _("results public while open"),
        default=False,
        help_text=_("Results are always public once the consultation has closed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        # the target of the children's composite foreign key (quartiere.shard)
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="survey_id_city_unique")]

    def __str__(self) -> str:
        return str(self.consultation)

    def is_open(self, at=None) -> bool:
        return self.consultation.is_open(at)

    def results_visible(self, at=None) -> bool:
        return self.results_public or (at or timezone.now()) >= self.consultation.closes_at


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    city = CityField(on_delete=models.PROTECT, parent="survey")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=QUESTION_MAX)
    help_text = models.CharField(_("explanation"), max_length=QUESTION_MAX, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # the offered choices of a choice question; answers store their indexes, so only texts may change
    # once responses exist (surveys.services)
    choices = ArrayField(
        models.CharField(max_length=CHOICE_MAX), verbose_name=_("choices"), default=list, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="survey_question_text_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=CHOICE_KINDS) | Q(choices=[]),
                name="survey_question_choices_only_for_choice",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One person's response: an account, or (anonymous) the browser's random id. No IP address."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    city = models.ForeignKey("quartiere.Area", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    browser = models.CharField(max_length=64, null=True, blank=True)
    trialog_role = models.CharField(_("Trialog role"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, browser__isnull=False)
                | Q(user__isnull=False, browser__isnull=True),
                name="survey_response_user_xor_browser",
            ),
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="survey_response_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "browser"],
                condition=Q(browser__isnull=False),
                name="survey_response_once_per_browser",
            ),
            models.UniqueConstraint(fields=["id", "city"], name="survey_response_id_city_unique"),
        ]


class Answer(models.Model):
    """The answer to one question: choice indexes, a scale value, a text or a point (EPSG:25832)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    city = CityField(on_delete=models.PROTECT, parent="response")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = ArrayField(models.PositiveSmallIntegerField(), null=True, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=TEXT_MAX)
    geom = models.PointField(srid=STORAGE_SRID, null=True, blank=True)
    status = models.CharField(max_length=10, choices=AnswerStatus.choices, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
                name="survey_answer_scale_range",
            ),
            models.CheckConstraint(condition=Q(text="") | ~Q(status=""), name="survey_answer_text_moderated"),
        ]
        indexes = [
            models.Index(fields=["question", "status"], name="survey_answer_question_status"),
        ]


class Action(models.TextChoices):
    PUBLISH = "publish", _("published")
    REJECT = "reject", _("rejected")
    ERASE = "erase", _("erased on request")


class AnswerModeration(models.Model):
    """The moderation log of free-text answers (as participation.ModerationEvent): who, when, what;
    ``answer_id`` is no foreign key so the log outlives an erased answer (it keeps no personal data)."""

    answer_id = models.BigIntegerField(db_index=True)
    survey = models.ForeignKey(Survey, on_delete=models.SET_NULL, null=True, related_name="+")
    # kept when the survey is deleted (the log outlives it)
    city = CityField(on_delete=models.SET_NULL, null=True, parent="survey")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=REASON_MAX, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation of a survey answer")
        verbose_name_plural = _("moderation of survey answers")
        ordering = ["-at", "-id"]
