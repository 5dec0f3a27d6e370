"""``kefu staffing --calls N --aht SECONDS …``: Erlang C/A/B seats for one interval (R-CC-10)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from kefu.callcenter.management.commands._cli import cli_error
from kefu.callcenter.planning import staffing
from kefu.errors import DomainError


class Command(BaseCommand):
    help = (
        "Seats for one interval: with --target-sl the fewest agents meeting it (and the "
        "occupancy cap); with --agents the performance of that many. --patience switches "
        "Erlang C to Erlang A; --lines adds Erlang B blocking."
    )

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True, help="calls offered")
        parser.add_argument("--aht", type=float, required=True, help="average handle time (s)")
        parser.add_argument("--interval", type=int, default=30, help="minutes (default 30)")
        parser.add_argument("--target-sl", type=float, help="service level target, e.g. 0.8")
        parser.add_argument("--target-seconds", type=float, default=20.0, help="default 20")
        parser.add_argument("--agents", type=int, help="evaluate this many agents")
        parser.add_argument("--patience", type=float, help="mean patience (s): Erlang A")
        parser.add_argument("--max-occupancy", type=float, default=None, help="e.g. 0.85")
        parser.add_argument("--shrinkage", type=float, default=0.0, help="e.g. 0.3")
        parser.add_argument("--lines", type=int, help="trunk lines: Erlang B blocking")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **o):
        try:
            result = staffing(
                calls=o["calls"],
                aht_seconds=o["aht"],
                interval_minutes=o["interval"],
                target_sl=o["target_sl"],
                target_seconds=o["target_seconds"],
                agents=o["agents"],
                patience_seconds=o["patience"],
                max_occupancy=o["max_occupancy"],
                shrinkage=o["shrinkage"],
                lines=o["lines"],
            )
        except DomainError as exc:
            raise cli_error(exc) from None
        if o["json"]:
            self.stdout.write(json.dumps(result))
            return
        model = "Erlang A" if o["patience"] is not None else "Erlang C"
        self.stdout.write(
            f"{model}, {o['calls']:g} calls per {o['interval']} min, AHT {o['aht']:g} s"
        )
        for key, value in result.items():
            shown = (
                "—" if value is None else (f"{value:.4f}" if isinstance(value, float) else value)
            )
            self.stdout.write(f"  {key:<22} {shown}")
