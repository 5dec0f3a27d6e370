from __future__ import annotations

from huey.contrib.djhuey import db_task

from kefu.callcenter.services import call_import_run


@db_task()
def call_import(job_id: int) -> None:
    """R-CC-2: a page or API import runs here so a large file does not hold the request."""
    call_import_run(job_id)
