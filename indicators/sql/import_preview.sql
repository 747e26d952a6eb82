-- What an indicator import would do (the back office's preview): values to create, to update, unchanged.
SELECT count(*) FILTER (WHERE v.id IS NULL),
       count(*) FILTER (WHERE v.id IS NOT NULL
                        AND (v.value, v.quality, v.note) IS DISTINCT FROM (s.value, s.quality, s.note)),
       count(*) FILTER (WHERE v.id IS NOT NULL
                        AND (v.value, v.quality, v.note) IS NOT DISTINCT FROM (s.value, s.quality, s.note))
FROM indicator_stage s
LEFT JOIN indicators_indicatorvalue v
       ON v.indicator_id = s.indicator_id AND v.area_id = s.area_id AND v.year = s.year
WHERE s.problem IS NULL;
