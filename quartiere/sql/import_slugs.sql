-- Step 3: slugs unique within their parent (a clash gets the code appended).
UPDATE import_stage AS s
SET slug = s.slug || '-' || lower(regexp_replace(s.code, '[^A-Za-z0-9]+', '-', 'g'))
WHERE EXISTS (
    SELECT 1 FROM import_stage AS o
    WHERE o.ord <> s.ord AND o.slug = s.slug AND o.parent_id IS NOT DISTINCT FROM s.parent_id
) OR EXISTS (
    SELECT 1 FROM quartiere_area AS a
    WHERE a.slug = s.slug AND a.parent_id IS NOT DISTINCT FROM s.parent_id
      AND NOT (a.level = %(level)s AND a.code = s.code)
);
