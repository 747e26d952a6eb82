-- The back office's catalogue: every indicator with its number of values and its first and last year.
SELECT i.key, i.name_de, i.name_en, i.unit, i.dimension, i.direction, i.illustrative, i.source,
       count(v.id) AS "values", min(v.year) AS first_year, max(v.year) AS last_year
FROM indicators_indicator i
LEFT JOIN indicators_indicatorvalue v ON v.indicator_id = i.id
GROUP BY i.id
ORDER BY i.dimension, i.key;
