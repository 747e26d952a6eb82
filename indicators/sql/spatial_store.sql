-- The computed values of one spatial indicator (after its old values were deleted, in the same
-- transaction). The values come from one of the method's statements (spatial_cover, spatial_within,
-- spatial_count): a file of this package, never text from elsewhere.
INSERT INTO indicators_indicatorvalue (indicator_id, area_id, year, value, quality, note, updated_at)
SELECT %(indicator)s, v.area_id, %(year)s, round(v.value::numeric, 6)::float8, 'computed', %(note)s, now()
FROM ({values}) AS v
WHERE v.value IS NOT NULL
