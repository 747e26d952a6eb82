-- The tally of one budget, in one statement.
-- Ranked: every published, feasible proposal by votes (more first); ties broken by the lower revised
-- cost, then the earlier proposal (lower id) -- deterministic, and said on the results page.
-- Funded: greedily in rank order, CONSUL's rule: a proposal is funded when it has votes and its
-- revised cost fits into what remains of the total; otherwise it is skipped and the next one tried.
WITH RECURSIVE votes AS (
    SELECT proposal_id, count(*) AS n
    FROM budgeting_ballotchoice
    WHERE budget_id = %(budget)s
    GROUP BY proposal_id
), ranked AS MATERIALIZED (
    SELECT p.id, p.title, p.revised_cost AS cost, coalesce(v.n, 0) AS votes,
           row_number() OVER (ORDER BY coalesce(v.n, 0) DESC, p.revised_cost, p.id) AS rank
    FROM budgeting_proposal AS p
    LEFT JOIN votes AS v ON v.proposal_id = p.id
    WHERE p.budget_id = %(budget)s AND p.status = 'published' AND p.feasibility = 'feasible'
), walk (rank, remaining, funded) AS (
    SELECT 0::bigint, b.total::numeric, false
    FROM budgeting_budget AS b
    WHERE b.id = %(budget)s
    UNION ALL
    SELECT r.rank,
           CASE WHEN r.votes > 0 AND r.cost <= w.remaining THEN w.remaining - r.cost ELSE w.remaining END,
           r.votes > 0 AND r.cost <= w.remaining
    FROM walk AS w
    JOIN ranked AS r ON r.rank = w.rank + 1
)
SELECT r.id, r.title, r.cost, r.votes, r.rank, w.funded, w.remaining
FROM ranked AS r
JOIN walk AS w USING (rank)
ORDER BY r.rank
