-- qa_place_key(text): the search form of a place name or an address, the same for what is stored
-- and what is asked: "Schloßstr. 3" and "Schlossstraße 3" both become "schlossstrasse 3".
-- Upper-case umlauts are replaced before lower() (a "C" collation lowers ASCII only).
CREATE OR REPLACE FUNCTION qa_place_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        translate(
            replace(replace(replace(replace(replace(
                lower(replace(replace(replace(t, 'Ä', 'ae'), 'Ö', 'oe'), 'Ü', 'ue')),
                'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'), 'ẞ', 'ss'),
            'àáâãåçèéêëìíîïñòóôõøùúûýÿ', 'aaaaaceeeeiiiinooooouuuyy'),
        -- "str." and "str" at a word's end mean "straße" (by now "strasse")
        'str(\.|\M)', 'strasse', 'g'),
        -- anything but letters and digits separates words
        '[^[:alnum:]]+', ' ', 'g'),
        -- "3 a" → "3a": a house number's letter belongs to it
        '([0-9]) ([a-z])( |$)', '\1\2\3', 'g'),
        ' +', ' ', 'g'))
$$;
