-- The `indicators` map layer (indicators.layers): one feature per Quartier (level 3) for ONE indicator
-- and year, bound as %(p_indicator)s (its id) and %(p_year)s. Quartiere without a value keep their
-- feature with value, need and need_class NULL (drawn grey). `need` is the value's position between the
-- lowest and highest value of the Quartiere of the same city (same indicator and year), 0 to 1, turned
-- round for indicators where a higher value means less need, so that 1 = most need; equal values
-- everywhere give 0.5. need_class = 1 + floor(5 × need), at most 5. The city value is the value stored
-- for the city area itself (not computed here). The bbox of a service filters q.geom (spatial index);
-- the range is computed per city the rows touch (a memoized lateral subquery).
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
LEFT JOIN LATERAL (
    -- the city's range: its Quartiere's values (index on parent, then on area/indicator/year); PostgreSQL
    -- memoizes it per city, so a bbox or tile computes it once per city it touches
    SELECT min(r.value) AS lo, max(r.value) AS hi
    FROM quartiere_area AS a
    JOIN indicators_indicatorvalue AS r
      ON r.area_id = a.id AND r.indicator_id = %(p_indicator)s AND r.year = %(p_year)s
    WHERE a.parent_id = q.parent_id AND a.level = 3
) AS rng ON true
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN v.value IS NULL THEN NULL
        WHEN rng.hi = rng.lo THEN 0.5
        WHEN i.direction = 'less_need' THEN (rng.hi - v.value) / (rng.hi - rng.lo)
        ELSE (v.value - rng.lo) / (rng.hi - rng.lo)
    END AS need
) AS n
WHERE q.level = 3
