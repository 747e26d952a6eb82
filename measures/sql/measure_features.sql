-- One page of measures as GeoJSON features, with the number of all matches (measures.selectors).
-- Without an area: the list, filtered. With an area: the measures located in it (any link: their
-- geometry, their declared scope, or a scope below it) and, when inherited, the measures declared for
-- the city or region above it. Filters are optional (NULL = no filter); values are bound client-side,
-- so the planner sees constants and drops unused conditions. Links and bbox tests use indexes.
WITH target AS (
    SELECT a.id, p.id AS parent_id, p.parent_id AS grandparent_id
    FROM quartiere_area AS a
    LEFT JOIN quartiere_area AS p ON p.id = a.parent_id
    WHERE a.id = %(area)s::bigint
),
hits AS (
    SELECT l.measure_id, 1 AS rank, 'located' AS applies, l.share
    FROM measures_measurearea AS l
    JOIN target AS t ON l.area_id = t.id
    UNION ALL
    SELECT l.measure_id, 4 - l.level, CASE l.level WHEN 1 THEN 'region' ELSE 'city' END, l.share
    FROM measures_measurearea AS l
    JOIN target AS t ON l.area_id IN (t.parent_id, t.grandparent_id)
    WHERE %(inherited)s AND l.kind = 'scope'
),
box AS (
    SELECT qa_bbox_in_storage(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(bbox_srid)s, %(storage_srid)s) AS geom
    WHERE %(minx)s::float8 IS NOT NULL
),
in_box AS (
    SELECT m.id FROM measures_measure AS m, box WHERE ST_Intersects(m.geom, box.geom)
    UNION
    SELECT m.id
    FROM measures_measure AS m
    JOIN quartiere_area AS s ON s.id = m.scope_id
    CROSS JOIN box
    WHERE ST_Intersects(s.geom, box.geom)
),
matched AS (
    SELECT m.*, h.rank, h.applies, h.share
    FROM measures_measure AS m
    LEFT JOIN hits AS h ON h.measure_id = m.id
    WHERE (%(area)s::bigint IS NULL OR h.measure_id IS NOT NULL)
      AND (%(all_visible)s OR m.published OR m.city_id = ANY(%(own_cities)s::bigint[]))
      AND (%(published)s::boolean IS NULL OR m.published = %(published)s::boolean)
      AND (%(city)s::bigint IS NULL OR m.city_id = %(city)s::bigint)
      AND (%(status)s::text IS NULL OR m.status = %(status)s::text)
      AND (%(dimension)s::text IS NULL OR %(dimension)s::text = ANY(m.dimensions))
      -- in an action field: through a strategic goal of it, or a master plan covering it
      AND (%(action_field)s::bigint IS NULL
           OR m.id IN (SELECT mg.measure_id
                       FROM measures_measure_strategic_goals AS mg
                       JOIN measures_strategicgoal AS g ON g.id = mg.strategicgoal_id
                       WHERE g.action_field_id = %(action_field)s::bigint)
           OR m.master_plan_id IN (SELECT mf.masterplan_id
                                   FROM measures_masterplan_action_fields AS mf
                                   WHERE mf.actionfield_id = %(action_field)s::bigint))
      AND (%(minx)s::float8 IS NULL OR m.id IN (SELECT id FROM in_box))
),
page AS (
    SELECT * FROM matched ORDER BY rank NULLS FIRST, title, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    (SELECT count(*) FROM matched) AS matched,
    (SELECT count(*) FROM page) AS returned,
    coalesce(string_agg(feature, ',' ORDER BY rank NULLS FIRST, title, id), '') AS features
FROM (
    SELECT p.rank, p.title, p.id,
        json_build_object(
            'type', 'Feature',
            'id', p.id,
            'geometry', ST_AsGeoJSON(ST_Transform(p.geom, %(out_srid)s), %(precision)s)::json,
            'properties', jsonb_build_object(
                'title', p.title, 'status', p.status, 'city', p.city_id, 'scope', p.scope_id,
                'published', p.published, 'dimensions', p.dimensions, 'principles', p.principles,
                'responsible_unit', p.responsible_unit, 'start_date', p.start_date, 'end_date', p.end_date,
                'master_plan', p.master_plan_id,
                'strategic_goals', ARRAY(
                    SELECT mg.strategicgoal_id FROM measures_measure_strategic_goals AS mg
                    WHERE mg.measure_id = p.id ORDER BY 1),
                -- as measures.serializers.LinkedPaperSerializer shapes them
                'papers', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                               'id', cp.id, 'reference', cp.reference, 'name', cp.name, 'date', cp.date,
                               'type', cp.paper_type, 'oparl_id', cp.oparl_id, 'web', nullif(cp.web, ''),
                               -- the consultation that decided it (council_consultation_decision's rule)
                               'decision', (
                                   SELECT jsonb_build_object(
                                              'date', d.date, 'committee', d.committee, 'meeting', d.meeting,
                                              'result', nullif(d.result, ''), 'decided', d.decided)
                                   FROM council_consultation_decision AS d
                                   WHERE d.paper_id = cp.id AND d.deciding))
                           ORDER BY cp.date, cp.reference, cp.id)
                    FROM measures_measurepaper AS mp
                    JOIN council_paper AS cp ON cp.id = mp.paper_id
                    WHERE mp.measure_id = p.id AND NOT cp.deleted), '[]'::jsonb),
                'version', p.version, 'updated_at', p.updated_at
            ) || CASE WHEN p.applies IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object('applies', p.applies, 'share', round(p.share::numeric, 6)) END
        )::text AS feature
    FROM page AS p
) AS f
