-- The published location of a contribution, column geom_public: its point snapped to the
-- consultation's grid of generalise_m metres (EPSG:25832), or the point itself when generalise_m is 0.
-- This is the one place of the rule. The API (contributions_page.sql) and the map layer
-- (participation/layers.py) read geom_public; these triggers keep it current on every write of a
-- point and every change of a consultation's generalisation, whoever writes (services, admin, demo,
-- benchmark generators). geom_public has its own GiST index: bbox filters on the published location,
-- as the map services wrap the layer, use an index. Installed by participation's migration 0003.

CREATE OR REPLACE FUNCTION participation_public_location(geom geometry, generalise_m integer)
RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN generalise_m > 0 THEN ST_SnapToGrid(geom, generalise_m) ELSE geom END
$$;

CREATE OR REPLACE FUNCTION participation_contribution_public_location() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- coalesce: with an unknown consultation the foreign key, not NOT NULL, should name the error
    NEW.geom_public := participation_public_location(NEW.geom, coalesce(
        (SELECT k.generalise_m FROM participation_consultation AS k WHERE k.id = NEW.consultation_id), 0));
    RETURN NEW;
END
$$;

-- geom_public is in the column list so that no write can set it to anything else (Django's full
-- save() writes every column, with the value it last read)
CREATE OR REPLACE TRIGGER participation_contribution_public_location
BEFORE INSERT OR UPDATE OF geom, consultation_id, geom_public ON participation_contribution
FOR EACH ROW EXECUTE FUNCTION participation_contribution_public_location();

CREATE OR REPLACE FUNCTION participation_consultation_public_locations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- the row trigger above recomputes geom_public of every contribution this touches
    UPDATE participation_contribution SET geom_public = NULL WHERE consultation_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER participation_consultation_public_locations
AFTER UPDATE OF generalise_m ON participation_consultation
FOR EACH ROW WHEN (OLD.generalise_m IS DISTINCT FROM NEW.generalise_m)
EXECUTE FUNCTION participation_consultation_public_locations();
