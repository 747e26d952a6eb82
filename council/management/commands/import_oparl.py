"""``manage.py import_oparl URL``: import a council information system's OParl API (docs/council.md)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from council.oparl import HttpSource, OParlError
from council.services import oparl_import


class Command(BaseCommand):
    help = (
        "Import bodies, organizations, meetings with agenda items, papers with consultations and files' "
        "metadata from an OParl 1.1 system or body URL; incremental (modified_since = the last successful "
        "import of each body) unless --full or --since."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the OParl system (or body) URL, http or https")
        parser.add_argument("--body", help="only this body (its OParl id URL) of a system")
        parser.add_argument(
            "--since", help="ISO 8601 time: read what changed since then (overrides the stored time)"
        )
        parser.add_argument(
            "--full", action="store_true", help="read everything; objects no longer listed are marked deleted"
        )
        parser.add_argument(
            "--every",
            type=int,
            metavar="MINUTES",
            help="keep running: import again every MINUTES (a failed run is reported and retried)",
        )
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")

    def handle(self, *args, **options) -> None:
        since = None
        if options["since"]:
            since = parse_datetime(options["since"])
            if since is None:
                raise CommandError(f"--since: not an ISO 8601 time: {options['since']!r}")
            if timezone.is_naive(since):
                since = timezone.make_aware(since)
        every = options["every"]
        if every is not None and every < 1:
            raise CommandError("--every: at least 1 minute")
        while True:
            try:
                self._run(options, since)
            except CommandError as error:
                if every is None:
                    raise
                self.stderr.write(str(error))
            if every is None:
                return
            since = None  # --since applies to the first run only; then the stored sync times
            time.sleep(every * 60)

    def _run(self, options, since) -> None:
        source = HttpSource(timeout=options["timeout"])
        try:
            reports = oparl_import(
                source, options["url"], body_id=options["body"], since=since, full=options["full"]
            )
        except OParlError as error:
            raise CommandError(str(error)) from None
        for report in reports:
            self.stdout.write(str(report))
        self.stdout.write(f"{source.requests} requests")
