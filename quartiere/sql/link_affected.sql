-- The sources whose links may change when the given areas changed: those linked to them now (the
-- old geometry or parent) and those intersecting their new geometry. Table and column names are
-- identifiers composed by quartiere.linking.
SELECT l.{fk} FROM {links} AS l WHERE l.area_id = ANY(%(area_ids)s::bigint[])
UNION
SELECT s.{id}
FROM {source} AS s
JOIN quartiere_area AS a ON ST_Intersects(s.{geom}, a.geom)
WHERE a.id = ANY(%(area_ids)s::bigint[])
