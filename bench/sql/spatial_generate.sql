-- The benchmark's two reference layers over the tiling's extent (bench/spatial_indicators.py):
-- %(n)s green-space polygons (rectangles of 20–120 m × 20–120 m, some overlapping) and %(n)s stop
-- points, uniformly random (seeded) over [x0, x0 + width] × [y0, y0 + height] in EPSG:25832.
SELECT setseed(0.2024);

INSERT INTO indicators_referencefeature (layer_id, ref, geom, properties)
SELECT %(polygons)s, g::text,
       ST_MakeEnvelope(r.x, r.y, r.x + 20 + random() * 100, r.y + 20 + random() * 100, 25832),
       '{}'::jsonb
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT %(x0)s + random() * %(width)s + g * 0 AS x, %(y0)s + random() * %(height)s AS y
) AS r;

INSERT INTO indicators_referencefeature (layer_id, ref, geom, properties)
SELECT %(points)s, g::text,
       ST_SetSRID(ST_MakePoint(%(x0)s + random() * %(width)s + g * 0, %(y0)s + random() * %(height)s), 25832),
       '{}'::jsonb
FROM generate_series(1, %(n)s) AS g;
