-- Synthetic survey responses for bench/surveys.py, set-based (no loops): %(n)s responses to the survey
-- %(survey)s (its questions made beforehand), every required question answered and each optional one
-- by four in five; single choice uniform, multiple choice 1–3 choices, scale 1–5, free text (four in
-- five published), places at random points of the city's bounding box. Reproducible: setseed.
SELECT setseed(0.2021);

INSERT INTO surveys_surveyresponse (survey_id, city_id, user_id, browser, trialog_role, created_at)
SELECT %(survey)s, %(city)s, NULL, 'bench-' || g, CASE WHEN g %% 500 = 0 THEN 'council' ELSE '' END,
    now() - g * interval '10 seconds'
FROM generate_series(1, %(n)s) AS g;

INSERT INTO surveys_answer (response_id, question_id, choices, scale, text, geom, status)
SELECT r.id, q.id,
    CASE q.kind
        WHEN 'single' THEN ARRAY[floor(u.a * cardinality(q.choices))::int]
        WHEN 'multiple' THEN ARRAY(
            SELECT DISTINCT i FROM unnest(ARRAY[
                floor(u.a * cardinality(q.choices))::int,
                floor(u.b * cardinality(q.choices))::int,
                floor(u.c * cardinality(q.choices))::int
            ]) AS i ORDER BY i)
    END,
    CASE WHEN q.kind = 'scale' THEN 1 + floor(u.a * 5)::int END,
    CASE WHEN q.kind = 'text' THEN 'Synthetische Antwort ' || r.id ELSE '' END,
    CASE WHEN q.kind = 'place' THEN ST_SetSRID(ST_MakePoint(
        ST_XMin(box.b) + u.b * (ST_XMax(box.b) - ST_XMin(box.b)),
        ST_YMin(box.b) + u.c * (ST_YMax(box.b) - ST_YMin(box.b))), 25832) END,
    CASE WHEN q.kind = 'text' THEN CASE WHEN u.b < 0.8 THEN 'published' ELSE 'pending' END ELSE '' END
FROM surveys_surveyresponse AS r
CROSS JOIN surveys_question AS q
CROSS JOIN (SELECT ST_Envelope(geom) AS b FROM quartiere_area WHERE id = %(city)s) AS box
CROSS JOIN LATERAL (SELECT random() AS a, random() AS b, random() AS c, random() AS skip, q.id + r.id AS correlated) AS u
WHERE r.survey_id = %(survey)s AND q.survey_id = %(survey)s AND (q.required OR u.skip < 0.8);
