-- Drop the links of the given sources (or all of them) before link_insert recomputes them.
-- Table and column names are identifiers composed by quartiere.linking; values are bound parameters.
DELETE FROM {links} AS l
WHERE %(all)s OR l.{fk} = ANY(%(ids)s::bigint[])
