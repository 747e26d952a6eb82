-- Every indicator value of one Quartier, each year, next to its city's value of the same year
-- (indicators.selectors.profile_panel). One row per indicator and year, catalogue order.
SELECT i.id, i.key, i.name_de, i.name_en, i.unit, i.dimension, i.direction, i.source, i.licence,
       i.illustrative, v.year, v.value, v.quality, v.note, cv.value AS city_value
FROM indicators_indicatorvalue AS v
JOIN indicators_indicator AS i ON i.id = v.indicator_id
LEFT JOIN indicators_indicatorvalue AS cv
       ON cv.indicator_id = v.indicator_id AND cv.year = v.year AND cv.area_id = %(city)s
WHERE v.area_id = %(quartier)s
ORDER BY i.dimension, i.key, v.year
