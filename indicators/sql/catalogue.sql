-- The indicator catalogue (or the one indicator %(key)s) as a JSON array, ordered by dimension and key,
-- each with the years that have values: a skip scan of the index (indicator, year), a few index probes
-- per year instead of reading every value.
SELECT coalesce(json_agg(json_build_object(
           'key', i.key,
           'name_de', i.name_de,
           'name_en', i.name_en,
           'unit', i.unit,
           'dimension', i.dimension,
           'direction', i.direction,
           'description', i.description,
           'source', i.source,
           'licence', i.licence,
           'reference_date', i.reference_date,
           'illustrative', i.illustrative,
           'years', coalesce(y.years, '[]'::json)
       ) ORDER BY i.dimension, i.key), '[]')::text
FROM indicators_indicator i
LEFT JOIN LATERAL (
    WITH RECURSIVE ys(year) AS (
        SELECT min(v.year) FROM indicators_indicatorvalue v WHERE v.indicator_id = i.id
        UNION ALL
        SELECT (SELECT min(v.year) FROM indicators_indicatorvalue v
                WHERE v.indicator_id = i.id AND v.year > ys.year)
        FROM ys WHERE ys.year IS NOT NULL
    )
    SELECT json_agg(ys.year ORDER BY ys.year) AS years FROM ys WHERE ys.year IS NOT NULL
) y ON true
WHERE %(key)s::text IS NULL OR i.key = %(key)s::text;
