-- The `indicators` map layer (indicators.layers): one feature per Quartier (level 3) for ONE indicator
-- and year, bound as %(p_indicator)s (its id) and %(p_year)s. Quartiere without a value keep their
-- feature with value, need and need_class NULL (drawn grey). `need` is the value's position between the
-- lowest and highest value of the Quartiere of the same city (same indicator and year), 0 to 1, turned
-- round for indicators where a higher value means less need, so that 1 = most need; equal values
-- everywhere give 0.5. need_class = 1 + floor(5 × need), at most 5. The city value is the value stored
-- for the city area itself (not computed here). The bbox of a service filters q.geom (spatial index);
-- the ranges are one aggregate over the indicator-year's values (index on indicator, year).
SELECT q.id, q.geom, q.code, q.name, q.slug, q.level, q.parent_id AS city,
       i.key AS indicator, i.name_de AS indicator_name_de, i.name_en AS indicator_name_en, i.unit,
       i.direction, i.dimension, %(p_year)s::integer AS year, v.value, v.quality,
       cv.value AS city_value, n.need, CASE WHEN n.need IS NOT NULL THEN least(5, 1 + floor(5 * n.need))::integer END AS need_class, i.illustrative
FROM quartiere_area AS q
LEFT JOIN indicators_indicator AS i ON i.id = %(p_indicator)s
LEFT JOIN indicators_indicatorvalue AS v
       ON v.indicator_id = i.id AND v.area_id = q.id AND v.year = %(p_year)s
LEFT JOIN indicators_indicatorvalue AS cv
       ON cv.indicator_id = i.id AND cv.area_id = q.parent_id AND cv.year = %(p_year)s
LEFT JOIN (
    SELECT a.parent_id, min(r.value) AS lo, max(r.value) AS hi
    FROM indicators_indicatorvalue AS r JOIN quartiere_area AS a ON a.id = r.area_id AND a.level = 3
    WHERE r.indicator_id = %(p_indicator)s AND r.year = %(p_year)s
    GROUP BY a.parent_id
) AS rng ON rng.parent_id = q.parent_id
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN v.value IS NULL THEN NULL
        WHEN rng.hi = rng.lo THEN 0.5
        WHEN i.direction = 'less_need' THEN (rng.hi - v.value) / (rng.hi - rng.lo)
        ELSE (v.value - rng.lo) / (rng.hi - rng.lo)
    END AS need
) AS n
WHERE q.level = 3
