-- The links of the given sources (or all of them) to every area they touch, at every level.
-- See docs/linking.md. Table and column names in braces are identifiers composed by
-- quartiere.linking; values are bound parameters. Geometry is in the storage CRS (EPSG:25832, metres).
WITH src AS (
    SELECT s.{id} AS src_id, s.{geom} AS geom, {scope_expr} AS scope_id
    FROM {source} AS s
    WHERE %(all)s OR s.{id} = ANY(%(ids)s::bigint[])
),
-- A collection mixing dimensions is measured by its parts of the highest dimension only
-- (polygons before lines before points); a point beside a polygon adds nothing to the shares.
shaped AS (
    SELECT d.src_id, d.dim,
        CASE WHEN ST_GeometryType(d.geom) = 'ST_GeometryCollection'
             THEN ST_CollectionExtract(d.geom, d.dim + 1) ELSE d.geom END AS g
    FROM (
        SELECT src_id, geom, ST_Dimension(geom) AS dim
        FROM src
        WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
    ) AS d
),
-- materialized: the shaped geometry is computed once per row, not in every expression that uses it
sized AS MATERIALIZED (
    SELECT src_id, dim, g,
        CASE dim WHEN 2 THEN ST_Area(g) WHEN 1 THEN ST_Length(g) ELSE ST_NumGeometries(g) END AS size
    FROM shaped
),
-- The lowest areas the geometry intersects (Quartiere; a city or region without children stands for
-- itself), with the size of the part inside: m² for polygons, m for lines, the number of points.
-- The index finds the candidates; ST_Intersection runs only where the part is not the whole.
-- Materialized, so that each part is computed once (not again for the window below).
leaf AS MATERIALIZED (
    SELECT s.src_id, a.id AS area_id, a.level, a.parent_id, s.size AS total,
        CASE
            WHEN s.dim = 0 AND ST_NumGeometries(s.g) = 1 THEN 1
            WHEN ST_CoveredBy(s.g, a.geom) THEN s.size
            WHEN s.dim = 2 THEN ST_Area(ST_Intersection(s.g, a.geom))
            WHEN s.dim = 1 THEN ST_Length(ST_Intersection(s.g, a.geom))
            ELSE ST_NumGeometries(ST_Intersection(s.g, a.geom))
        END AS part
    FROM sized AS s
    JOIN quartiere_area AS a ON ST_Intersects(a.geom, s.g)
    WHERE a.level = 3 OR NOT EXISTS (SELECT 1 FROM quartiere_area AS c WHERE c.parent_id = a.id)
),
-- share = part / whole. Parts on a shared boundary (a point on it, a line along it) count in both
-- areas; dividing by the sum of the parts when that exceeds the whole keeps the shares summing to 1.
-- Parts outside every area are not attributed: then the shares sum to less than 1.
shares AS (
    SELECT src_id, area_id, level, parent_id,
        part / nullif(greatest(total, sum(part) OVER (PARTITION BY src_id)), 0) AS share
    FROM leaf
    WHERE part > 0
),
-- Each leaf link counts for the leaf, its parent and its grandparent (three levels, see Level);
-- a parent's share is the sum of its children's shares.
geometry_links AS (
    SELECT sh.src_id, up.area_id, up.level, least(sum(sh.share), 1.0) AS share
    FROM shares AS sh
    LEFT JOIN quartiere_area AS p ON p.id = sh.parent_id
    CROSS JOIN LATERAL (
        VALUES (sh.area_id, sh.level), (p.id, p.level), (p.parent_id, p.level - 1)
    ) AS up(area_id, level)
    WHERE up.area_id IS NOT NULL
    GROUP BY sh.src_id, up.area_id, up.level
),
-- A declared scope (only without a geometry) links to that area and, as 'enclosing', to the areas
-- above it, each with share 1.
scope_links AS (
    SELECT s.src_id, up.area_id, up.level, up.kind
    FROM src AS s
    JOIN quartiere_area AS a ON a.id = s.scope_id
    LEFT JOIN quartiere_area AS p ON p.id = a.parent_id
    CROSS JOIN LATERAL (
        VALUES (a.id, a.level, 'scope'), (p.id, p.level, 'enclosing'), (p.parent_id, p.level - 1, 'enclosing')
    ) AS up(area_id, level, kind)
    WHERE s.geom IS NULL AND up.area_id IS NOT NULL
)
INSERT INTO {links} ({fk}, area_id, level, share, kind)
SELECT src_id, area_id, level, share, 'geometry' FROM geometry_links
UNION ALL
SELECT src_id, area_id, level, 1.0, kind FROM scope_links
