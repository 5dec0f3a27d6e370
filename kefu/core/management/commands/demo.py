from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kefu.core.demo import is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation and data into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) when data exists"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--steps",
            help="comma-separated demo steps after the organisation (default: all), e.g. customers",
        )

    def handle(self, *args, **o):
        if not is_empty():
            if o["if_empty"]:
                self.stdout.write("Demo data not loaded: the database already has data.")
                return
            raise CommandError("the database already has data; demo loads only into an empty one")
        steps = None if o["steps"] is None else [s for s in o["steps"].split(",") if s]
        done = load_demo(seed=o["seed"], steps=steps)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {', '.join(done)}."))
        self.stdout.write(
            "Every demo login (sysadmin, agent, director, …) uses the password "
            + settings.DEMO_PASSWORD
        )
