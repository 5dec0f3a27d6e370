"""``kefu forecast [--week YYYY-Www]``: calls, AHT and seats per interval from history."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from kefu.callcenter.management.commands._cli import cli_error
from kefu.callcenter.planning import forecast_plan, next_week
from kefu.errors import DomainError


class Command(BaseCommand):
    help = "Forecast a week's calls and AHT per interval from the call history (R-CC-10)."

    def add_arguments(self, parser):
        parser.add_argument("--week", default=None, help="ISO week, default next week")
        parser.add_argument("--interval", type=int, default=30, help="15, 30 or 60")
        parser.add_argument("--weeks", type=int, default=8, help="weeks of history (default 8)")
        parser.add_argument("--patience", type=float, help="mean patience (s): Erlang A")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        week = o["week"] or next_week()
        try:
            plan = forecast_plan(
                week=week,
                interval_minutes=o["interval"],
                weeks=o["weeks"],
                patience_seconds=o["patience"],
            )
        except DomainError as exc:
            raise cli_error(exc) from None
        rows = [
            {
                "start": f.start.isoformat(),
                "calls": round(f.offered, 3),
                "aht_seconds": round(f.aht_seconds, 1),
                "agents": s.agents,
                "agents_with_shrinkage": s.agents_with_shrinkage,
                "overridden": f.overridden,
            }
            for f, s in zip(plan.intervals, plan.required, strict=True)
        ]
        if o["json"]:
            self.stdout.write(json.dumps({"week": week, "intervals": rows}))
            return
        self.stdout.write(f"{week}: {sum(f.offered for f in plan.intervals):.0f} calls forecast")
        for r in rows:
            if r["calls"] > 0:
                self.stdout.write(
                    f"  {r['start'][:16]}  {r['calls']:7.1f} calls  AHT {r['aht_seconds']:6.0f} s"
                    f"  {r['agents']:3d} agents  {r['agents_with_shrinkage']:3d} rostered"
                    + ("  (overridden)" if r["overridden"] else "")
                )
