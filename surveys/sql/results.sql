-- The results of one survey in one statement, one pass over its answers. Rows (question_id, value, n, first):
-- (NULL, NULL, responses, NULL)      the number of responses;
-- (question, value, n, first)        per question and chosen value (a choice's index or a scale value;
--                                    NULL for free text and places): ``n`` answers hold the value, and
--                                    ``first`` of them have it as their first value — so the sum of
--                                    ``first`` over a question is the number of people who answered it
--                                    (an answer of a multiple choice counts once there, not per choice).
SELECT NULL::bigint, NULL::int, count(*), NULL::bigint
FROM surveys_surveyresponse
WHERE survey_id = %(survey)s
UNION ALL
SELECT a.question_id, v.value, count(*), count(*) FILTER (WHERE v.ord = 1)
FROM surveys_answer AS a
JOIN surveys_question AS q ON q.id = a.question_id
CROSS JOIN LATERAL unnest(coalesce(a.choices, ARRAY[a.scale])) WITH ORDINALITY AS v(value, ord)
WHERE q.survey_id = %(survey)s
GROUP BY a.question_id, v.value
