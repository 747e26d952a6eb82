-- Checks the staged values of an indicator import (indicators.importing.import_rows), set-based: each
-- row gets its indicator and area (by code; at %(level)s, or the code's only level) and the first
-- problem found: its own (set when read), unknown or computed indicator, the same (area, indicator,
-- year) in another row; a code's problem separately (code_problem, once per row). Messages are
-- bound parameters with one %%s, filled by format().
ALTER TABLE indicator_stage ADD COLUMN matches int, ADD COLUMN code_problem text;

-- one pass over the staged rows (each UPDATE rewrites every row): indicator, area and city together
WITH codes AS (
    SELECT a.code, count(*) AS n, min(a.id) AS id,
           min(CASE a.level WHEN %(city_level)s THEN a.id WHEN %(quartier_level)s THEN a.parent_id END) AS city_id
    FROM quartiere_area a
    WHERE a.code IN (SELECT DISTINCT code FROM indicator_stage)
      AND (%(level)s::int IS NULL OR a.level = %(level)s::int)
    GROUP BY a.code
),
resolved AS (
    SELECT t.ord, i.id AS indicator_id, codes.n, codes.id AS area_id, codes.city_id
    FROM indicator_stage t
    LEFT JOIN indicators_indicator i ON i.key = t.key
    LEFT JOIN codes ON codes.code = t.code
)
UPDATE indicator_stage s
SET indicator_id = r.indicator_id,
    matches = r.n,
    area_id = CASE WHEN r.n = 1 THEN r.area_id END,
    city_id = CASE WHEN r.n = 1 THEN r.city_id END
FROM resolved r
WHERE r.ord = s.ord;

-- the code's problem is the row's (listed once per row, beside its values' own problems)
UPDATE indicator_stage s
SET code_problem = CASE
        WHEN s.matches IS NULL THEN format(%(unknown_code)s, s.code)
        WHEN s.matches > 1 THEN format(%(several_levels)s, s.code)
        ELSE format(%(out_of_scope)s, s.code)
    END
WHERE s.code <> ''
  AND (s.area_id IS NULL
       OR (%(scoped)s AND (s.city_id IS NULL OR NOT s.city_id = ANY(%(cities)s::bigint[]))));

UPDATE indicator_stage s
SET problem = CASE
        WHEN s.indicator_id IS NULL THEN format(%(unknown_indicator)s, s.key)
        ELSE format(%(computed)s, s.key)
    END,
    problem_col = CASE
        WHEN s.indicator_id IS NULL AND %(indicator_column)s::text IS NOT NULL THEN %(indicator_column)s
        ELSE s.col
    END
WHERE s.problem IS NULL
  AND (s.indicator_id IS NULL
       OR EXISTS (SELECT FROM indicators_spatialindicator x WHERE x.indicator_id = s.indicator_id));

-- a value of a row whose code is wrong is not imported (its problem is listed as the row's)
UPDATE indicator_stage SET problem = '' WHERE problem IS NULL AND code_problem IS NOT NULL;

WITH twins AS (
    SELECT ord, row_no,
           (array_agg(row_no) OVER w)[1] AS first_row,
           (array_agg(row_no) OVER w)[2] AS second_row,
           count(*) OVER w AS n
    FROM indicator_stage
    WHERE problem IS NULL
    WINDOW w AS (PARTITION BY indicator_id, area_id, year ORDER BY row_no, ord
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
UPDATE indicator_stage s
SET problem = format(
        %(duplicate)s,
        CASE WHEN twins.row_no = twins.first_row THEN twins.second_row ELSE twins.first_row END
    ),
    problem_col = s.col
FROM twins
WHERE twins.ord = s.ord AND twins.n > 1;
