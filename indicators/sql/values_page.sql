-- One page of indicator values (ordered by indicator key, area id, year) as JSON, with the number of
-- values matched. A NULL parameter is no filter; %(city)s is the city and its Quartiere.
WITH matched AS (
    SELECT i.key, v.area_id, a.code, a.name, a.level, v.year, v.value, v.quality, v.note
    FROM indicators_indicatorvalue v
    JOIN indicators_indicator i ON i.id = v.indicator_id
    JOIN quartiere_area a ON a.id = v.area_id
    WHERE (%(keys)s::text[] IS NULL OR i.key = ANY(%(keys)s::text[]))
      AND (%(area)s::bigint IS NULL OR v.area_id = %(area)s::bigint)
      AND (%(level)s::int IS NULL OR a.level = %(level)s::int)
      AND (%(city)s::bigint IS NULL OR a.id = %(city)s::bigint OR a.parent_id = %(city)s::bigint)
      AND (%(first)s::int IS NULL OR v.year BETWEEN %(first)s::int AND %(last)s::int)
      AND (%(dimension)s::text IS NULL OR i.dimension = %(dimension)s::text)
),
page AS (
    SELECT * FROM matched ORDER BY key, area_id, year LIMIT %(limit)s OFFSET %(offset)s
)
SELECT (SELECT count(*) FROM matched),
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
