-- The results of one survey in one statement, three kinds of rows (question_id, value, n, mean):
-- (NULL, NULL, responses, NULL)             the number of responses;
-- (question, NULL, answers, mean of scale)  how many answered a question (and, for a scale, the mean);
-- (question, value, n, NULL)                how often a choice (its index) or a scale value was chosen.
WITH answers AS (
    SELECT a.question_id, a.choices, a.scale
    FROM surveys_answer AS a
    JOIN surveys_question AS q ON q.id = a.question_id
    WHERE q.survey_id = %(survey)s
)
SELECT NULL::bigint, NULL::int, count(*), NULL::float
FROM surveys_surveyresponse
WHERE survey_id = %(survey)s
UNION ALL
SELECT question_id, NULL, count(*), avg(scale)::float
FROM answers
GROUP BY question_id
UNION ALL
SELECT question_id, v.value, count(*), NULL
FROM answers
CROSS JOIN LATERAL unnest(coalesce(choices, ARRAY[scale])) AS v(value)
WHERE choices IS NOT NULL OR scale IS NOT NULL
GROUP BY question_id, v.value
