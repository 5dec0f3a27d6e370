from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = "Run the background worker: periodic jobs and queued tasks (Huey)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="queued tasks only: of several workers on Redis, one runs the periodic jobs",
        )

    def handle(self, *args, **options):
        from kefu.core.jobs import catch_up

        autodiscover_modules("tasks")
        periodic = not options["no_periodic"]
        # A periodic job killed mid-run, or missed while no worker ran, runs again now.
        for name in catch_up() if periodic else ():
            self.stdout.write(f"catching up: {name}")
        call_command(
            "run_huey", workers=options["workers"], worker_type="thread", periodic=periodic
        )
