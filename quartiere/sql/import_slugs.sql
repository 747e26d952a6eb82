-- Step 3: slugs unique within their parent (a clash gets the code appended). A clash within the file
-- is counted with a window (one pass; PARTITION BY groups NULL parents together, as IS NOT DISTINCT
-- FROM does), a clash with a stored area found through the (parent, slug) index.
UPDATE import_stage AS s
SET slug = s.slug || '-' || lower(regexp_replace(s.code, '[^A-Za-z0-9]+', '-', 'g'))
FROM (
    SELECT ord, count(*) OVER (PARTITION BY slug, parent_id) AS same
    FROM import_stage
) AS d
WHERE d.ord = s.ord
  AND (
    d.same > 1
    OR EXISTS (
        SELECT 1 FROM quartiere_area AS a
        WHERE a.slug = s.slug AND a.parent_id IS NOT DISTINCT FROM s.parent_id
          AND NOT (a.level = %(level)s AND a.code = s.code)
    )
  );
