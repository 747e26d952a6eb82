-- Contributions for planners (every status unless filtered), exact locations in EPSG:4326.
-- The email column is filled only when %(personal)s (the permission to see personal data).
SELECT c.id, c.consultation_id AS consultation, c.status, c.reject_reason, c.category, c.origin,
    c.text, c.pseudonym, CASE WHEN %(personal)s THEN c.email END AS email,
    to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
    round(ST_X(ST_Transform(c.geom, 4326))::numeric, 7) AS lon,
    round(ST_Y(ST_Transform(c.geom, 4326))::numeric, 7) AS lat,
    (SELECT a.name FROM participation_contributionarea AS l JOIN quartiere_area AS a ON a.id = l.area_id
     WHERE l.contribution_id = c.id AND l.level = 3 ORDER BY l.share DESC, a.id LIMIT 1) AS quartier,
    (SELECT count(*) FROM participation_support AS s WHERE s.contribution_id = c.id) AS supports,
    (SELECT count(*) FROM participation_flag AS f WHERE f.contribution_id = c.id AND f.reviewed_at IS NULL)
        AS open_flags,
    r.outcome AS response_outcome, r.text AS response_text, r.unit AS response_unit,
    r.date AS response_date,
    (SELECT string_agg(m.measure_id::text, ' ' ORDER BY m.measure_id)
     FROM participation_contribution_measures AS m WHERE m.contribution_id = c.id) AS measures,
    ST_AsGeoJSON(ST_Transform(c.geom, 4326), 7) AS geometry
FROM participation_contribution AS c
LEFT JOIN participation_response AS r ON r.contribution_id = c.id
WHERE (%(consultation)s::bigint IS NULL OR c.consultation_id = %(consultation)s::bigint)
  AND (%(status)s::text IS NULL OR c.status = %(status)s::text)
  AND (%(cities)s::bigint[] IS NULL OR c.city_id = ANY(%(cities)s::bigint[]))
ORDER BY c.id
