"""``council_consultation_decision``: every consultation of a live paper as the pages and the API show it —
when (its meeting's start), by whom (its organizations, else its meeting's, by name), with what result
(its agenda item's) — and which one decided the paper.

A view, so that one rule serves the council pages (``council.selectors.decisions_for``, ``deciding``) and
the measures API's list, which PostgreSQL builds as JSON in one statement (measures/sql/measure_features.sql).
The records are joined by their OParl ids, as the source links them; meetings and organizations deleted in
the source are left out, and a non-public agenda item's resolution text too.

``decided``: the consultation was authoritative or its result begins with "beschlossen". ``deciding``: the
one that decided the paper — the last decided one by meeting date (a consultation without a date counts as
the latest), else the latest of all; committee names and ids break ties (in code point order).
"""

from django.db import migrations

FORWARD = r"""
CREATE VIEW council_consultation_decision AS
SELECT d.*,
       row_number() OVER (
           PARTITION BY d.paper_id
           ORDER BY d.decided DESC, d.date DESC NULLS FIRST, d.committee COLLATE "C" DESC, d.id DESC
       ) = 1 AS deciding
FROM (
    SELECT c.id, c.paper_id, c.role, c.authoritative, m.start AS date,
           coalesce(org.names, '') AS committee,
           coalesce(m.name, '') AS meeting,
           coalesce(m.web, '') AS meeting_web,
           coalesce(i.number, '') AS agenda_number,
           coalesce(i.result, '') AS result,
           CASE WHEN i.public THEN i.resolution_text ELSE '' END AS resolution_text,
           (c.authoritative OR lower(coalesce(i.result, '')) LIKE 'beschlossen%') AS decided
    FROM council_paperconsultation AS c
    JOIN council_paper AS p ON p.id = c.paper_id AND NOT p.deleted
    LEFT JOIN council_meeting AS m ON m.oparl_id = nullif(c.meeting_ref, '') AND NOT m.deleted
    LEFT JOIN council_agendaitem AS i ON i.oparl_id = nullif(c.agenda_item_ref, '')
    LEFT JOIN LATERAL (
        SELECT string_agg(o.name, ', ' ORDER BY r.ord) AS names
        FROM unnest(CASE WHEN cardinality(c.organization_refs) > 0 THEN c.organization_refs
                         ELSE m.organization_refs END) WITH ORDINALITY AS r(ref, ord)
        JOIN council_organization AS o ON o.oparl_id = r.ref AND NOT o.deleted
    ) AS org ON true
) AS d;
"""

BACKWARD = "DROP VIEW council_consultation_decision;"


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0001_oparl_objects"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
