"""``kefu roster --week YYYY-Www [--json]``: history → forecast → seats → named roster."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from kefu.callcenter.management.commands._cli import cli_error
from kefu.callcenter.planning import next_week, roster_plan
from kefu.errors import DomainError
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = "Build the week's roster of named agents over the shifts (R-CC-6 to R-CC-10)."

    def add_arguments(self, parser):
        parser.add_argument("--week", default=None, help="ISO week, default next week")
        parser.add_argument("--interval", type=int, default=30, help="15, 30 or 60")
        parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        week = o["week"] or next_week()
        try:
            plan = roster_plan(
                actor=SYSTEM,
                week=week,
                interval_minutes=o["interval"],
                time_limit_seconds=o["time_limit"],
            )
        except DomainError as exc:
            raise cli_error(exc) from None
        days = [d.isoformat() for d in plan.days()]
        body = {
            "week": week,
            "days": days,
            "paid_hours": plan.roster.paid_hours,
            "optimal": plan.roster.optimal,
            "staff": [
                {"username": u.username, "name": u.display_name, "shifts": shifts}
                for u, shifts in plan.sheet()
            ],
            "shortfalls": [s.describe() for s in plan.roster.shortfalls],
            "predicted_answer_rate_min": min(s.answer_rate for s in plan.simulated),
        }
        if o["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        self.stdout.write(f"{week}: {body['paid_hours']:.0f} paid hours")
        self.stdout.write("  " + " ".join(f"{d[5:]:>8}" for d in days))
        for person in body["staff"]:
            cells = " ".join(f"{s or '-':>8}" for s in person["shifts"])
            self.stdout.write(f"  {cells}  {person['name']} ({person['username']})")
        for line in body["shortfalls"]:
            self.stderr.write(f"short: {line}")
