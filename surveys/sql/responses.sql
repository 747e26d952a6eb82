-- Every response of a survey for the staff's downloads, one row each: id, time, Trialog role and the
-- answers as JSON {question id: value} — choices as their texts, a scale as a number, a text as
-- itself (with its moderation status), a place as [lon, lat] in EPSG:4326. No account, no browser id.
SELECT r.id, r.created_at, r.trialog_role,
       coalesce(jsonb_object_agg(a.question_id, CASE
           WHEN a.choices IS NOT NULL THEN to_jsonb(ARRAY(
               SELECT q.choices[c + 1] FROM unnest(a.choices) AS c ORDER BY c))
           WHEN a.scale IS NOT NULL THEN to_jsonb(a.scale)
           WHEN a.geom IS NOT NULL THEN jsonb_build_array(
               round(ST_X(ST_Transform(a.geom, 4326))::numeric, 6),
               round(ST_Y(ST_Transform(a.geom, 4326))::numeric, 6))
           ELSE jsonb_build_object('text', a.text, 'status', a.status)
       END) FILTER (WHERE a.id IS NOT NULL), '{}'::jsonb)
FROM surveys_surveyresponse AS r
LEFT JOIN surveys_answer AS a ON a.response_id = r.id
LEFT JOIN surveys_question AS q ON q.id = a.question_id
WHERE r.survey_id = %(survey)s
GROUP BY r.id
ORDER BY r.id
