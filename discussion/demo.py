"""The demo's comments: a dozen illustrative comments with replies and one official answer under some
demo contributions and measures. Bulk writes (a few statements), idempotent: a second run finds its
comments and changes nothing."""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from discussion.models import Comment
from measures.models import Measure
from participation.models import Contribution, Status
from quartiere.models import Area, Level

MARK = "(Illustrativ) "
# (text, pseudonym, replies: [(text, pseudonym, official unit or "")])
THREADS = [
    (
        "Das sehe ich genauso – besonders abends ist es hier unübersichtlich.",
        "Nachbarin",
        [
            ("Am Wochenende ist es dagegen ruhig.", "Jonas", ""),
        ],
    ),
    (
        "Wäre eine Querungshilfe nicht günstiger als ein Umbau?",
        "",
        [
            (
                "Danke für den Hinweis. Wir prüfen beide Varianten und berichten im Ausschuss.",
                "",
                "Fachbereich Stadtplanung",
            ),
        ],
    ),
    ("Bitte auch an Kinderwagen und Rollstühle denken.", "Familie K.", []),
    (
        "Wann soll die Maßnahme beginnen?",
        "Anwohner",
        [
            ("Der Zeitplan steht auf der Seite der Maßnahme.", "Mira", ""),
        ],
    ),
    (
        "Gute Idee, mehr Bäume helfen im Sommer sehr.",
        "",
        [
            ("Und Bänke im Schatten!", "Opa Karl", ""),
        ],
    ),
    ("Die Beleuchtung sollte insektenfreundlich sein.", "NABU-Mitglied", []),
    ("Hier fehlen Fahrradbügel.", "Radlerin", [("Vor dem Bäcker wären sie am nützlichsten.", "", "")]),
]


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    city = Area.objects.filter(level=Level.CITY, code="08118048").first()
    if city is None:
        return "skipped: the city of Ludwigsburg is not loaded"
    if Comment.objects.filter(city=city, text__startswith=MARK).exists():
        return "comments: unchanged"
    contributions = list(
        Contribution.objects.filter(city=city, status=Status.PUBLISHED)
        .order_by("id")
        .values_list("id", flat=True)[:3]
    )
    measures = list(
        Measure.objects.filter(city=city, published=True).order_by("id").values_list("id", flat=True)[:3]
    )
    targets = [("contribution", pk) for pk in contributions] + [("measure", pk) for pk in measures]
    if not targets:
        return "comments: skipped, no published contributions or measures"
    start = timezone.now() - dt.timedelta(days=20)
    tops, replies = [], []
    for i, (text, pseudonym, answers) in enumerate(THREADS):
        kind, pk = targets[i % len(targets)]
        top = Comment(
            **{f"{kind}_id": pk},
            city=city,
            text=MARK + text,
            pseudonym=pseudonym,
            status=Status.PUBLISHED,
            created_at=start + dt.timedelta(days=2 * i),
        )
        tops.append(top)
        for j, (reply_text, reply_by, unit) in enumerate(answers):
            replies.append(
                Comment(
                    **{f"{kind}_id": pk},
                    city=city,
                    parent=top,
                    text=MARK + reply_text,
                    pseudonym=reply_by,
                    official=bool(unit),
                    unit=unit,
                    status=Status.PUBLISHED,
                    created_at=start + dt.timedelta(days=2 * i + 1, hours=j),
                )
            )
    Comment.objects.bulk_create(tops)
    for reply in replies:
        # the parents got their ids from bulk_create after the replies were made
        reply.parent_id = reply.parent.pk if reply.parent else None
    Comment.objects.bulk_create(replies)
    return f"comments: {len(tops) + len(replies)} illustrative comments"
