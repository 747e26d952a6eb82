-- Step 2: insert or update by (source, ref); identical rows are left alone (counted as unchanged).
INSERT INTO quartiere_address AS a (city_id, street, number, postcode, place, point, source, ref)
SELECT s.city_id, s.street, s.number, s.postcode, s.place, s.geom, %(source)s, s.ref
FROM address_stage AS s
WHERE s.problem IS NULL
ON CONFLICT (source, ref) DO UPDATE
SET city_id = EXCLUDED.city_id, street = EXCLUDED.street, number = EXCLUDED.number,
    postcode = EXCLUDED.postcode, place = EXCLUDED.place, point = EXCLUDED.point
WHERE (a.city_id, a.street, a.number, a.postcode, a.place, ST_AsEWKB(a.point))
      IS DISTINCT FROM (EXCLUDED.city_id, EXCLUDED.street, EXCLUDED.number, EXCLUDED.postcode,
                        EXCLUDED.place, ST_AsEWKB(EXCLUDED.point))
RETURNING (xmax = 0) AS created
