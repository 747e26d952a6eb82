-- One page of PUBLISHED contributions as GeoJSON features, newest first, with the number of all
-- matches. Only public attributes: never email, author or anything about the client; links to
-- measures (the linked ones, the response's) only to published measures unless all_measures is set
-- (readers who see unpublished measures too: planners). The location is
-- the published one (geom_public: snapped to the consultation's grid when it says so, see
-- public_location.sql), for the bbox filter too, so that a bbox reveals no more than the map shows.
-- Filters are optional (NULL = no filter); values are bound parameters.
WITH matched AS (
    SELECT c.id, c.created_at
    FROM participation_contribution AS c
    WHERE c.status = 'published'
      AND (%(id)s::bigint IS NULL OR c.id = %(id)s::bigint)
      AND (%(consultation)s::bigint IS NULL OR c.consultation_id = %(consultation)s::bigint)
      AND (%(category)s::text IS NULL OR c.category = %(category)s::text)
      AND (%(origin)s::text IS NULL OR c.origin = %(origin)s::text)
      AND (%(area)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM participation_contributionarea AS l
            WHERE l.contribution_id = c.id AND l.area_id = %(area)s::bigint))
      AND (%(minx)s::float8 IS NULL OR ST_Intersects(
            c.geom_public, qa_bbox_in_storage(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(bbox_srid)s, %(storage_srid)s)))
),
page AS (
    SELECT id, created_at FROM matched ORDER BY created_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    (SELECT count(*) FROM matched) AS matched,
    (SELECT count(*) FROM page) AS returned,
    coalesce(string_agg(f.feature, ',' ORDER BY f.created_at DESC, f.id DESC), '') AS features
FROM (
    SELECT c.id, c.created_at,
        json_build_object(
            'type', 'Feature',
            'id', c.id,
            'geometry', ST_AsGeoJSON(ST_Transform(c.geom_public, %(out_srid)s), %(precision)s)::json,
            'properties', json_build_object(
                'consultation', c.consultation_id,
                'category', c.category,
                'origin', c.origin,
                'trialog_role', nullif(c.trialog_role, ''),
                'text', c.text,
                'pseudonym', nullif(c.pseudonym, ''),
                'created', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'quartier', q.name,
                'supports', (SELECT count(*) FROM participation_support AS s WHERE s.contribution_id = c.id),
                'generalised_m', nullif(k.generalise_m, 0),
                'measures', coalesce((
                    SELECT json_agg(m.measure_id ORDER BY m.measure_id)
                    FROM participation_contribution_measures AS m
                    JOIN measures_measure AS lm ON lm.id = m.measure_id
                    WHERE m.contribution_id = c.id
                      AND (%(all_measures)s OR lm.published OR lm.city_id = ANY(%(own_cities)s::bigint[]))),
                    '[]'::json),
                -- the measures it led to, with their titles (for links to /massnahmen/<id>/): the linked
                -- ones and the response's, under the same visibility rule as the ids above
                'measure_links', coalesce((
                    SELECT json_agg(json_build_object('id', lm.id, 'title', lm.title) ORDER BY lm.title, lm.id)
                    FROM measures_measure AS lm
                    WHERE (%(all_measures)s OR lm.published OR lm.city_id = ANY(%(own_cities)s::bigint[]))
                      AND (lm.id = r.measure_id OR lm.id IN (
                            SELECT m.measure_id FROM participation_contribution_measures AS m
                            WHERE m.contribution_id = c.id))), '[]'::json),
                'response', CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object(
                    'text', r.text, 'unit', r.unit, 'date', r.date, 'outcome', r.outcome,
                    'measure', CASE WHEN %(all_measures)s OR rm.published OR rm.city_id = ANY(%(own_cities)s::bigint[])
                                   THEN r.measure_id END) END
            )
        )::text AS feature
    FROM page AS p
    JOIN participation_contribution AS c ON c.id = p.id
    JOIN participation_consultation AS k ON k.id = c.consultation_id
    LEFT JOIN participation_response AS r ON r.contribution_id = c.id
    LEFT JOIN measures_measure AS rm ON rm.id = r.measure_id
    LEFT JOIN LATERAL (
        SELECT a.name FROM participation_contributionarea AS l
        JOIN quartiere_area AS a ON a.id = l.area_id
        WHERE l.contribution_id = c.id AND l.level = 3
        ORDER BY l.share DESC, a.id LIMIT 1
    ) AS q ON true
) AS f
