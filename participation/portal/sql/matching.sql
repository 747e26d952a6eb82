-- Pairs (subscription, consultation) to notify at %(now)s: confirmed subscriptions and consultations
-- open then, whose themes overlap the subscription's (none chosen: any) and whose area covers part of
-- one of its Quartiere (interiors intersect; none chosen: any), not notified before.
SELECT s.id, c.id
FROM participation_subscription AS s
JOIN participation_consultation AS c ON c.opens_at <= %(now)s AND c.closes_at > %(now)s
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
WHERE s.confirmed_at IS NOT NULL
  AND (cardinality(s.themes) = 0 OR s.themes && c.themes)
  AND (
    NOT EXISTS (SELECT 1 FROM participation_subscription_quartiere AS sq WHERE sq.subscription_id = s.id)
    OR EXISTS (
      SELECT 1
      FROM participation_subscription_quartiere AS sq
      JOIN quartiere_area AS q ON q.id = sq.area_id
      WHERE sq.subscription_id = s.id
        AND ST_Intersects(coalesce(c.geom, a.geom), q.geom)
        AND ST_Relate(coalesce(c.geom, a.geom), q.geom, 'T********')
    )
  )
  AND NOT EXISTS (
    SELECT 1 FROM participation_subscriptionnotice AS n
    WHERE n.subscription_id = s.id AND n.consultation_id = c.id
  )
ORDER BY s.id, c.id
