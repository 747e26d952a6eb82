-- Data versions per source table, for the ETags of the map services (geo.dataversion, geo.http).
-- A statement-level trigger on each table of a registered layer bumps the table's row here; the
-- version is drawn from one sequence, which starts at a random value so that a rebuilt database
-- never hands out an ETag that an old one did. The bump is part of the writing transaction: the new
-- version becomes visible together with the data.
CREATE SEQUENCE IF NOT EXISTS geo_dataversion_seq;
SELECT setval('geo_dataversion_seq', 1 + floor(random() * 1e12)::bigint);

CREATE TABLE IF NOT EXISTS geo_dataversion (
    table_name text PRIMARY KEY,
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION qa_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO geo_dataversion AS d (table_name, version, changed_at)
    VALUES (TG_TABLE_NAME, nextval('geo_dataversion_seq'), clock_timestamp())
    ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at;
    RETURN NULL;
END
$$;
