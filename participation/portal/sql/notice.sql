-- Record that the consultations %(consultations)s were mailed to the subscription %(subscription)s at
-- %(now)s; returns those not recorded before (a concurrent run wrote the others and sends them).
INSERT INTO participation_subscriptionnotice (subscription_id, consultation_id, sent_at)
SELECT %(subscription)s, unnest(%(consultations)s::bigint[]), %(now)s
ON CONFLICT (subscription_id, consultation_id) DO NOTHING
RETURNING consultation_id
