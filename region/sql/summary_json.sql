-- The rows of sql/summary.sql (composed in below) as one JSON array, in the order asked for
-- ({order}: an ORDER BY list composed by region.summary from its fixed table of sort keys, never from
-- a request's text), with the fiscal years the per-year figures divide by. One statement.
WITH s AS (
{core}
)
SELECT coalesce(json_agg(to_jsonb(s) - 'first_year' - 'last_year' ORDER BY {order}), '[]'::json)::text
           AS cities,
       count(*)::int AS count,
       min(s.first_year) AS first_year,
       max(s.last_year) AS last_year
FROM s
