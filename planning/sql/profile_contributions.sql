-- Published contributions in one Quartier: the number per category with their supports, and the latest
-- official responses (text of the contribution and the answer, plain text). One statement.
WITH pub AS (
    SELECT c.id, c.category, c.text, c.created_at
    FROM participation_contributionarea AS l
    JOIN participation_contribution AS c ON c.id = l.contribution_id AND c.status = 'published'
    WHERE l.area_id = %(quartier)s
)
SELECT
    (SELECT coalesce(json_agg(json_build_object('category', s.category, 'count', s.n, 'supports', s.supports)
        ORDER BY s.category), '[]')
     FROM (SELECT p.category, count(*) AS n,
                  (SELECT count(*) FROM participation_support AS su
                   WHERE su.contribution_id IN (SELECT id FROM pub AS p2 WHERE p2.category = p.category)) AS supports
           FROM pub AS p GROUP BY p.category) AS s)::text AS by_category,
    (SELECT coalesce(json_agg(r ORDER BY r.date DESC, r.id DESC), '[]') FROM (
        SELECT p.id, p.category, p.text, r.text AS response, r.unit, r.date, r.outcome
        FROM pub AS p JOIN participation_response AS r ON r.contribution_id = p.id
        ORDER BY r.date DESC, p.id DESC LIMIT %(responses)s) AS r)::text AS responses
