-- The newest public events of a city or a Quartier, newest first: (1) status changes of PUBLISHED
-- measures as the public history has them (geo.records.history: only records while the measure was
-- published, each against the last published one, so a status held only while unpublished never shows;
-- the first published record is "published with status X", old = NULL); (2) official responses to
-- PUBLISHED contributions, naming the response's measure only when it is published. No author, no
-- email, no user of a history record. Filters optional (NULL = any); values are bound parameters.
WITH published_records AS (
    SELECT h.id AS measure_id, h.history_id, h.history_date, h.status,
           lag(h.status) OVER (PARTITION BY h.id ORDER BY h.history_date, h.history_id) AS before
    FROM measures_historicalmeasure AS h
    WHERE h.published
),
status_changes AS (
    SELECT 'status'::text AS kind, p.history_id::bigint AS key, p.history_date AS at,
           m.id AS measure_id, m.title AS measure_title, p.before AS old, p.status AS new,
           NULL::bigint AS contribution_id, NULL::text AS unit, NULL::text AS outcome, NULL::text AS text
    FROM published_records AS p
    JOIN measures_measure AS m ON m.id = p.measure_id AND m.published
    WHERE p.before IS DISTINCT FROM p.status
      AND (%(city)s::bigint IS NULL OR m.city_id = %(city)s::bigint)
      AND (%(quartier)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM measures_measurearea AS l
            WHERE l.measure_id = m.id AND l.area_id = %(quartier)s::bigint))
),
responses AS (
    SELECT 'response'::text AS kind, r.id::bigint AS key, r.updated_at AS at,
           rm.id AS measure_id, rm.title AS measure_title, NULL::text AS old, NULL::text AS new,
           c.id AS contribution_id, r.unit, r.outcome, r.text
    FROM participation_response AS r
    JOIN participation_contribution AS c ON c.id = r.contribution_id AND c.status = 'published'
    LEFT JOIN measures_measure AS rm ON rm.id = r.measure_id AND rm.published
    WHERE (%(city)s::bigint IS NULL OR c.city_id = %(city)s::bigint)
      AND (%(quartier)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM participation_contributionarea AS l
            WHERE l.contribution_id = c.id AND l.area_id = %(quartier)s::bigint))
)
SELECT kind, key, at, measure_id, measure_title, old, new, contribution_id, unit, outcome, text
FROM (SELECT * FROM status_changes UNION ALL SELECT * FROM responses) AS events
ORDER BY at DESC, kind, key DESC
LIMIT %(limit)s
