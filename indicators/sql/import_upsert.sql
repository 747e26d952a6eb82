-- The valid staged values into indicators_indicatorvalue, by (indicator, area, year); an identical value
-- (value, quality, note) is left alone, so a re-import writes nothing. Returns (created, changed).
WITH written AS (
    INSERT INTO indicators_indicatorvalue (indicator_id, area_id, year, value, quality, note, updated_at)
    SELECT indicator_id, area_id, year, value, quality, note, now()
    FROM indicator_stage
    WHERE problem IS NULL
    ON CONFLICT (indicator_id, area_id, year) DO UPDATE
    SET value = EXCLUDED.value, quality = EXCLUDED.quality, note = EXCLUDED.note, updated_at = EXCLUDED.updated_at
    WHERE (indicators_indicatorvalue.value, indicators_indicatorvalue.quality, indicators_indicatorvalue.note)
          IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.quality, EXCLUDED.note)
    RETURNING (xmax = 0) AS created
)
SELECT count(*) FILTER (WHERE created), count(*) FROM written;
