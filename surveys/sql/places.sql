-- The places answered in a survey as a GeoJSON FeatureCollection (EPSG:4326, RFC 7946), snapped to
-- the consultation's grid when it generalises published locations (generalise_m > 0).
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(ST_Transform(
            CASE WHEN k.generalise_m > 0 THEN ST_SnapToGrid(a.geom, k.generalise_m) ELSE a.geom END,
            4326), 6)::json,
        'properties', json_build_object('question', a.question_id)
    ) ORDER BY a.id), '[]'::json)
)::text
FROM surveys_answer AS a
JOIN surveys_question AS q ON q.id = a.question_id
JOIN surveys_survey AS s ON s.id = q.survey_id
JOIN participation_consultation AS k ON k.id = s.consultation_id
WHERE q.survey_id = %(survey)s AND a.geom IS NOT NULL
