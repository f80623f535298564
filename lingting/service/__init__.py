"""Listening as a service: the scheduler, the delivery worker, /healthz and /metrics.

    from lingting.service.ops import ops_routes
    from lingting.service.runner import Service

    service = Service(settings, config_path)      # builds sinks: a missing secret fails here
    routes = ops_routes(settings, service)        # public: GET /healthz, GET /metrics
    with service.running():                       # start; SIGTERM/Ctrl-C or leaving the block stops
        ...                                       # e.g. uvicorn.run(app) or service.wait()

Nothing is imported here: every `lingting` command (each crawl child too) imports this package's
`commands`, and must not pay for the web and metrics libraries.
"""
