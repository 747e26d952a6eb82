-- Step 2 of a layer import: the staged features replace the layer's features (in the import's
-- transaction, so readers see either the old features or the new ones).
DELETE FROM indicators_referencefeature WHERE layer_id = %(layer)s;

INSERT INTO indicators_referencefeature (layer_id, ref, geom, properties)
SELECT %(layer)s, s.ref, s.geom, s.properties
FROM layer_stage AS s
ORDER BY s.ord;
