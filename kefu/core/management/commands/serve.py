from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kefu.org.models import User


class Command(BaseCommand):
    help = "Serve Kefu on KEFU_HOST:KEFU_PORT (default 127.0.0.1:8000) with the worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--no-worker", action="store_true", help="do not start the worker")
        parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="web processes sharing the one port (default 1; one per core uses them all)",
        )
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="with --processes: a SO_REUSEPORT socket per process instead of one shared",
        )

    def handle(self, *args, **options):
        from waitress import serve

        # Collect first: WhiteNoise indexes the static folder when the application loads.
        call_command("collectstatic", interactive=False, verbosity=0)
        from kefu.wsgi import application

        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "kefu.cli", "worker"])  # noqa: S603
            # SIGTERM (systemd, docker stop) would end this process at once and leave the
            # worker running on its own: stop through the `finally` below instead.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        url = f"http://{settings.HOST}:{settings.PORT}/"
        self.stdout.write(self.style.SUCCESS(f"Kefu is serving on {url}"))
        self.stdout.write(f"  API docs: {url}api/v1/docs")
        if User.objects.filter(username="sysadmin").exists() and User.objects.get(
            username="sysadmin"
        ).check_password(settings.DEMO_PASSWORD):
            names = ", ".join(
                User.objects.filter(is_active=True)
                .order_by("pk")
                .values_list("username", flat=True)[:17]
            )
            self.stdout.write(f"  Demo users: {names}")
            self.stdout.write(f"  Demo password (all of them): {settings.DEMO_PASSWORD}")
        self.stdout.write(f"  Worker: {f'running (pid {worker.pid})' if worker else 'not started'}")
        processes = max(1, options["processes"])
        try:
            if processes > 1:
                from kefu.core.webpool import serve_processes

                self.stdout.write(f"  Web processes: {processes}")
                serve_processes(
                    application,
                    host=settings.HOST,
                    port=settings.PORT,
                    processes=processes,
                    threads=options["threads"],
                    reuse_port=options["reuse_port"],
                )
                return
            from kefu.core.webpool import settle

            settle()
            serve(
                application,
                host=settings.HOST,
                port=settings.PORT,
                threads=options["threads"],
                ident="kefu",
                _quiet=True,
                connection_limit=settings.WAITRESS_CONNECTION_LIMIT,
                **settings.WAITRESS_PROXY,
            )
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
