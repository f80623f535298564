"""`GET /healthz` and `GET /metrics`: public routes (no login) for load balancers and Prometheus.

/healthz answers 200 only while the scheduler (if this process runs one) goes round and a real
write to the database commits; otherwise 503 with the reasons in JSON.
"""

from __future__ import annotations

import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from config.settings import Settings
from lingting.service.metrics import registry_for
from lingting.service.runner import Service
from store.schedule import probe_write

WRITE_PROBE_TIMEOUT_SECONDS = 2.0


def health_report(settings: Settings, service: Service | None) -> tuple[bool, dict[str, str]]:
    """Whether this process is healthy, with a word for each part checked."""
    report: dict[str, str] = {}
    problems = []
    if service is None:
        report["scheduler"] = "not run by this process / 本进程未运行调度器"
    else:
        trouble = service.health()
        report["scheduler"] = trouble or "ok"
        problems.append(trouble)
    trouble = probe_write(settings.database_path, pid=os.getpid(), at=time.time(), timeout=WRITE_PROBE_TIMEOUT_SECONDS)
    report["database"] = trouble or "ok"
    problems.append(trouble)
    healthy = not any(problems)
    report["status"] = "ok" if healthy else "unavailable"
    return healthy, report


def ops_routes(settings: Settings, service: Service | None) -> list[Route]:
    """/healthz and /metrics for the web app's public routes (`create_app(..., extra_routes=...)`)."""
    registry = registry_for(settings)

    async def healthz(request: Request) -> Response:
        healthy, report = await run_in_threadpool(health_report, settings, service)
        return JSONResponse(report, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"})

    async def metrics(request: Request) -> Response:
        body = await run_in_threadpool(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
