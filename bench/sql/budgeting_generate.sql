-- Ballots of the budget benchmark: %(n)s voters, each choosing 5 draws (repeats collapse) from the
-- budget's proposals, skewed so that a few are popular (the square of a uniform draw picks low ranks
-- more often); every ballot lies within the total by construction (5 × at most 150,000 < 1,000,000).
SELECT setseed(0.2027);
INSERT INTO budgeting_ballot (budget_id, city_id, user_id, browser, trialog_role, updated_at)
SELECT %(budget)s, %(city)s, NULL, 'bench-' || g, '', now()
FROM generate_series(1, %(n)s) AS g;
INSERT INTO budgeting_ballotchoice (ballot_id, proposal_id, budget_id)
SELECT DISTINCT b.id, p.ids[1 + floor(power(random(), 2) * array_length(p.ids, 1))::int], %(budget)s
FROM budgeting_ballot AS b
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM budgeting_proposal WHERE budget_id = %(budget)s) AS p
CROSS JOIN generate_series(1, 5) AS k
WHERE b.budget_id = %(budget)s;
