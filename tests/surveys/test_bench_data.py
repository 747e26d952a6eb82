"""The surveys benchmark's generator (bench/sql/surveys_generate.sql) on a small tiling, in pytest's
database (rolled back): the responses and answers it promises, and the results statement agreeing
with a bare GROUP BY over them."""

import pytest

from bench.surveys import bare_counts, build_survey
from bench.synth import build_tiling
from surveys import selectors
from surveys.models import Answer, SurveyResponse

pytestmark = pytest.mark.django_db

N = 300


def test_it_generates_the_promised_answers_and_results_agree():
    build_tiling(50)
    survey = build_survey(N)
    assert SurveyResponse.objects.filter(survey=survey).count() == N
    answers = Answer.objects.filter(response__survey=survey)
    for question in survey.questions.all():
        count = answers.filter(question=question).count()
        assert count == N if question.required else 0.7 * N < count < 0.9 * N
    multiple = answers.filter(question__kind="multiple").values_list("choices", flat=True)
    assert all(c and c == sorted(set(c)) and max(c) < 5 for c in multiple)
    assert len({tuple(c) for c in multiple}) > 10  # random per response, not one draw per question
    texts = answers.filter(question__kind="text")
    assert 0.7 < texts.filter(status="published").count() / texts.count() < 0.9
    rows = selectors.results_rows(survey.pk)
    assert rows[0][2] == N
    assert {(q, v): n for q, v, n, _f in rows if q is not None and v is not None} == bare_counts(survey.pk)
    found = selectors.results(survey)
    assert [r.answered for r in found.questions] == [
        answers.filter(question=r.question).count() for r in found.questions
    ]
