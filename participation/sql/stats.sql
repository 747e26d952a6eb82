-- Published contributions per area of one level: count, per 1,000 inhabitants, by category, and
-- their supports. A contribution counts in every area it is linked to (quartiere.linking), so a pin
-- on a shared boundary counts in both Quartiere. The areas listed are those of the consultation's
-- city family at that level (all areas of the level without a consultation) plus any area linked.
WITH pub AS (
    SELECT c.id, c.category
    FROM participation_contribution AS c
    WHERE c.status = 'published'
      AND (%(consultation)s::bigint IS NULL OR c.consultation_id = %(consultation)s::bigint)
),
sup AS (
    SELECT s.contribution_id, count(*) AS n
    FROM participation_support AS s JOIN pub ON pub.id = s.contribution_id
    GROUP BY s.contribution_id
),
per_category AS (
    SELECT l.area_id, p.category, count(*) AS n, coalesce(sum(sup.n), 0) AS supports
    FROM pub AS p
    JOIN participation_contributionarea AS l ON l.contribution_id = p.id AND l.level = %(level)s
    LEFT JOIN sup ON sup.contribution_id = p.id
    GROUP BY l.area_id, p.category
),
candidates AS (
    SELECT a.id FROM quartiere_area AS a
    WHERE a.level = %(level)s
      AND (%(city)s::bigint IS NULL OR a.id = %(city)s::bigint OR a.parent_id = %(city)s::bigint
           OR a.id = (SELECT parent_id FROM quartiere_area WHERE id = %(city)s::bigint))
    UNION
    SELECT area_id FROM per_category
),
rows AS (
    SELECT a.id, a.code, a.name, a.slug, a.population,
        coalesce(sum(pc.n), 0)::int AS contributions,
        coalesce(sum(pc.supports), 0)::int AS supports,
        jsonb_object_agg(cat.category, coalesce(pc.n, 0)) AS by_category
    FROM candidates
    JOIN quartiere_area AS a ON a.id = candidates.id
    CROSS JOIN unnest(%(categories)s::text[]) AS cat(category)
    LEFT JOIN per_category AS pc ON pc.area_id = a.id AND pc.category = cat.category
    GROUP BY a.id
)
SELECT coalesce(json_agg(json_build_object(
    'id', id, 'code', code, 'name', name, 'slug', slug, 'population', population,
    'contributions', contributions,
    'per_1000', CASE WHEN population > 0 THEN round(contributions * 1000.0 / population, 2) END,
    'by_category', by_category,
    'supports', supports
) ORDER BY name, id), '[]'::json)::text
FROM rows
