"""``kefu generate``: realistic Chinese data at scale for benchmarks and load tests (issue 9)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kefu.core.generate import generate


class Command(BaseCommand):
    help = (
        "Add generated customers, tickets (with history, complaint callbacks and survey "
        "answers) and call records to the database by its bulk path. An empty database first "
        "gets the demo. Reproducible from --seed and --end. Run it with nobody else writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=0, help="customers to add")
        parser.add_argument("--tickets", type=int, default=0, help="tickets to add")
        parser.add_argument("--calls", type=int, default=0, help="call records to add")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--days", type=int, default=365, help="the span the contacts are spread over"
        )
        parser.add_argument(
            "--end",
            help="the end of the span, YYYY-MM-DD[THH:MM] local time (default: now)",
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="into an empty database, load only the demo organisation, not its data",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, **o):
        if min(o["customers"], o["tickets"], o["calls"]) < 0:
            raise CommandError("--customers, --tickets and --calls must not be negative")
        if o["days"] < 1:
            raise CommandError("--days must be at least 1")
        if not (o["customers"] or o["tickets"] or o["calls"]):
            raise CommandError("nothing to do: give --customers, --tickets and/or --calls")
        end = None
        if o["end"]:
            from django.utils import timezone

            try:
                end = dt.datetime.fromisoformat(o["end"])
            except ValueError:
                raise CommandError(f"--end: not a date or time: {o['end']!r}") from None
            if end.tzinfo is None:
                end = timezone.make_aware(end)
        try:
            result = generate(
                customers=o["customers"],
                tickets=o["tickets"],
                calls=o["calls"],
                seed=o["seed"],
                days=o["days"],
                end=end,
                progress=not o["no_progress"],
                demo=not o["no_demo"],
            )
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        seconds = result.total_seconds
        for name, count in result.counts.items():
            self.stdout.write(f"{name:<18}{count:>12,}")
        self.stdout.write(
            "seconds: "
            + ", ".join(f"{name} {value:.1f}" for name, value in result.seconds.items())
            + f" (rebuilding indexes {result.index_seconds:.1f})"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.rows:,} rows on {connection.vendor} in {seconds:.1f} s "
                f"({result.rows / max(seconds, 1e-9):,.0f} rows/s)."
            )
        )
