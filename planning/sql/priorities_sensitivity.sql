-- Sensitivity of the ranks (spliced into priorities_json.sql; `p` is the index): each
-- weight with w > 0 (the four components and the weighting's indicators) moved by −20 per cent and +20 per cent, the
-- others fixed, as one cross join of the scored rows with the variants; the score of a variant is the
-- index's formula with that one weight changed (an indicator's weight changes the need of the
-- dimensions it belongs to: (Σ w·n + (f − 1)·w_k·n_k) ÷ (Σ w + (f − 1)·w_k)), ranked within the city,
-- dimension and variant. Per Quartier and dimension: the best and worst rank over the base and all
-- variants, and the variants under which the rank differs from the base rank.
variant AS (
    SELECT v.weight, v.factor
    FROM unnest(%(variant_weights)s::text[], %(variant_factors)s::float8[]) AS v (weight, factor)
),
varied AS (
    SELECT p.quartier_id, p.city_id, p.dimension, p.rank, v.weight, v.factor,
        (CASE WHEN v.weight = 'indicators' THEN v.factor ELSE 1 END) * p.w_indicators AS wi,
        (CASE WHEN v.weight = 'demand' THEN v.factor ELSE 1 END) * %(w_demand)s::float8 AS wd,
        (CASE WHEN v.weight = 'supply' THEN v.factor ELSE 1 END) * %(w_supply)s::float8 AS ws,
        (CASE WHEN v.weight = 'coverage' THEN v.factor ELSE 1 END) * %(w_coverage)s::float8 AS wc,
        CASE WHEN x.pos IS NULL THEN p.need
             ELSE (p.need_num + (v.factor - 1) * p.indicator_weights[x.pos] * p.indicator_needs[x.pos])
                  / (p.need_den + (v.factor - 1) * p.indicator_weights[x.pos]) END AS need,
        p.demand_norm, p.supply_norm, p.coverage_norm
    FROM p
    CROSS JOIN variant AS v
    CROSS JOIN LATERAL (
        SELECT CASE WHEN left(v.weight, 4) = 'ind.' THEN array_position(p.indicator_keys, substr(v.weight, 5)) END
            AS pos
    ) AS x
    WHERE p.score IS NOT NULL
),
varied_rank AS (
    SELECT r.quartier_id, r.dimension, r.rank, r.weight, r.factor,
        rank() OVER (PARTITION BY r.city_id, r.dimension, r.weight, r.factor ORDER BY r.score DESC) AS vrank
    FROM (
        SELECT vd.*,
            (vd.wi * coalesce(vd.need, 0) + vd.wd * vd.demand_norm + vd.ws * (1 - vd.supply_norm)
             + vd.wc * vd.coverage_norm) / nullif(vd.wi + vd.wd + vd.ws + vd.wc, 0) AS score
        FROM varied AS vd
    ) AS r
),
sensitivity AS (
    SELECT r.quartier_id, r.dimension,
        least(min(r.vrank), min(r.rank))::int AS best,
        greatest(max(r.vrank), max(r.rank))::int AS worst,
        coalesce(json_agg(json_build_object('weight', r.weight, 'change', round((r.factor - 1)::numeric, 2),
                                            'rank', r.vrank) ORDER BY r.weight, r.factor)
                 FILTER (WHERE r.vrank <> r.rank), '[]'::json) AS moved_by
    FROM varied_rank AS r
    GROUP BY r.quartier_id, r.dimension
)
