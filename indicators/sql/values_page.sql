-- One page of indicator values (ordered by indicator key, area id, year) as JSON, with the number of
-- values matched — and, in the same statement, the checks of the filters: the first of %(keys)s that
-- is no indicator, and whether %(city_id)s / %(city_slug)s names a city. A NULL parameter is no filter;
-- the city filter is the city and its Quartiere.
WITH unknown AS (
    SELECT k FROM unnest(%(keys)s::text[]) WITH ORDINALITY AS u(k, n)
    WHERE NOT EXISTS (SELECT FROM indicators_indicator i WHERE i.key = u.k)
    ORDER BY n LIMIT 1
),
city AS (
    SELECT c.id FROM quartiere_area c
    WHERE c.level = %(city_level)s
      AND CASE WHEN %(city_id)s::bigint IS NOT NULL THEN c.id = %(city_id)s::bigint
               ELSE c.slug = %(city_slug)s::text END
    ORDER BY c.id LIMIT 1
),
matched AS (
    -- narrow: what the filters, the count and the order need; the page's rows get the rest. Kept
    -- materialised (measured: NOT MATERIALIZED, planning the count and the page apart, was slower)
    SELECT i.key, v.indicator_id, v.area_id, v.year
    FROM indicators_indicatorvalue v
    JOIN indicators_indicator i ON i.id = v.indicator_id
    JOIN quartiere_area a ON a.id = v.area_id
    WHERE (%(keys)s::text[] IS NULL OR i.key = ANY(%(keys)s::text[]))
      AND (%(area)s::bigint IS NULL OR v.area_id = %(area)s::bigint)
      AND (%(level)s::int IS NULL OR a.level = %(level)s::int)
      AND (%(city_id)s::bigint IS NULL AND %(city_slug)s::text IS NULL
           OR a.id = (SELECT id FROM city) OR a.parent_id = (SELECT id FROM city))
      AND (%(first)s::int IS NULL OR v.year BETWEEN %(first)s::int AND %(last)s::int)
      AND (%(dimension)s::text IS NULL OR i.dimension = %(dimension)s::text)
),
page AS (
    SELECT m.key, m.area_id, a.code, a.name, a.level, m.year, v.value, v.quality, v.note
    FROM (SELECT * FROM matched ORDER BY key, area_id, year LIMIT %(limit)s OFFSET %(offset)s) m
    JOIN indicators_indicatorvalue v
      ON v.indicator_id = m.indicator_id AND v.area_id = m.area_id AND v.year = m.year
    JOIN quartiere_area a ON a.id = m.area_id
)
SELECT (SELECT k FROM unknown),
       (%(city_id)s::bigint IS NULL AND %(city_slug)s::text IS NULL) OR EXISTS (SELECT FROM city),
       (SELECT count(*) FROM matched),
       (SELECT count(*) FROM page),
       coalesce((SELECT json_agg(json_build_object(
                    'indicator', key,
                    'area', area_id,
                    'area_code', code,
                    'area_name', name,
                    'level', CASE level WHEN 1 THEN 'region' WHEN 2 THEN 'city' ELSE 'quartier' END,
                    'year', year,
                    'value', value,
                    'quality', quality,
                    'note', note
                ) ORDER BY key, area_id, year) FROM page), '[]')::text;
