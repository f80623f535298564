"""The database schema as an ordered list of migrations; `PRAGMA user_version` records how many ran."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: posts, their near-duplicate bands, clusters, export decisions, outbox, crawl runs
    """
    CREATE TABLE clusters (
        id INTEGER PRIMARY KEY,
        intake_id TEXT NOT NULL UNIQUE,
        seed_post_id INTEGER NOT NULL,
        size INTEGER NOT NULL DEFAULT 0,
        distinct_authors INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        priority TEXT,
        impact TEXT,
        urgency TEXT,
        category TEXT,
        reasons TEXT NOT NULL DEFAULT '[]',
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        flagged_at TEXT,
        merged_into INTEGER REFERENCES clusters(id)
    );
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        source_post_id TEXT NOT NULL,
        source_name TEXT,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        thread_id TEXT,
        parent_id TEXT,
        title TEXT,
        text TEXT NOT NULL,
        author TEXT,
        author_id TEXT,
        author_followers INTEGER,
        created_at TEXT,
        likes INTEGER,
        replies INTEGER,
        lang TEXT,
        fetched_at TEXT,
        raw TEXT NOT NULL DEFAULT '{}',
        content_key TEXT NOT NULL,
        minhash BLOB NOT NULL,
        shingles INTEGER NOT NULL DEFAULT 0,
        cluster_id INTEGER NOT NULL REFERENCES clusters(id),
        relevant INTEGER NOT NULL DEFAULT 0,
        complaint INTEGER NOT NULL DEFAULT 0,
        category TEXT,
        priority TEXT,
        sentiment REAL,
        analysis TEXT NOT NULL DEFAULT '{}',
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (source, source_post_id)
    );
    CREATE INDEX posts_content_key ON posts (content_key);
    CREATE INDEX posts_cluster ON posts (cluster_id);
    CREATE TABLE post_bands (
        band TEXT NOT NULL,
        post_id INTEGER NOT NULL REFERENCES posts(id),
        PRIMARY KEY (band, post_id)
    ) WITHOUT ROWID;
    CREATE TABLE exports (
        intake_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        cluster_id INTEGER NOT NULL REFERENCES clusters(id),
        state TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (intake_id, revision)
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        intake_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        sink TEXT NOT NULL,
        event TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        external_ref TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT,
        UNIQUE (intake_id, revision, sink)
    );
    CREATE INDEX outbox_status ON outbox (status, next_attempt_at);
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        source_name TEXT NOT NULL,
        source TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0,
        responses INTEGER NOT NULL DEFAULT 0,
        posts_parsed INTEGER NOT NULL DEFAULT 0,
        new_posts INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        status_codes TEXT NOT NULL DEFAULT '{}',
        error_samples TEXT NOT NULL DEFAULT '[]',
        UNIQUE (run_id, source_name)
    );
    """,
    # 2: reviewers' decisions on clusters (confirm, dismiss, relabel)
    """
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        cluster_id INTEGER NOT NULL REFERENCES clusters(id),
        decision TEXT NOT NULL CHECK (decision IN ('confirm', 'dismiss', 'relabel')),
        category TEXT,
        priority TEXT,
        reviewer TEXT,
        note TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX reviews_cluster ON reviews (cluster_id, id);
    """,
    # 3: incremental crawling and source health: listing marks, thread visits, cached responses
    # with their validators (ETag, Last-Modified), source back-offs, and health per crawl run
    """
    CREATE TABLE crawl_listings (
        source_name TEXT NOT NULL,
        query TEXT NOT NULL,
        mark TEXT,
        passes INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_name, query)
    );
    CREATE TABLE crawl_threads (
        source_name TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        replies INTEGER,
        cursor TEXT,
        visited_at TEXT NOT NULL,
        PRIMARY KEY (source_name, thread_id)
    );
    CREATE TABLE http_cache (
        url TEXT PRIMARY KEY,
        source_name TEXT,
        etag TEXT,
        last_modified TEXT,
        status INTEGER NOT NULL,
        headers TEXT NOT NULL DEFAULT '{}',
        body BLOB NOT NULL,
        stored_at TEXT NOT NULL
    );
    CREATE TABLE source_backoff (
        source_name TEXT PRIMARY KEY,
        until TEXT NOT NULL,
        reason TEXT NOT NULL,
        since TEXT NOT NULL
    );
    ALTER TABLE crawl_runs ADD COLUMN duration_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN parse_errors INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN blocked_reason TEXT;
    ALTER TABLE crawl_runs ADD COLUMN health TEXT NOT NULL DEFAULT 'ok';
    ALTER TABLE crawl_runs ADD COLUMN health_reason TEXT;
    CREATE INDEX crawl_runs_source ON crawl_runs (source_name, finished_at)
    """,
    # delivery bookkeeping: the response kept with a failed or dead delivery, the chat alert
    # messages sent (per-bot rate limits), and an index to find a sink's earlier revisions
    """
    ALTER TABLE outbox ADD COLUMN response TEXT;
    CREATE TABLE alert_messages (
        id INTEGER PRIMARY KEY,
        bot TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('immediate', 'digest')),
        items INTEGER NOT NULL,
        sent_at TEXT NOT NULL
    );
    CREATE INDEX alert_messages_bot ON alert_messages (bot, sent_at);
    CREATE INDEX outbox_intake_sink ON outbox (intake_id, sink, revision)
    """,
    # small values a spider keeps between runs per source (Bilibili's public signing keys)
    """
    CREATE TABLE source_values (
        source_name TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_name, key)
    )
    """,
    # 8: the limits a crawl hit, per source: requests refused (off-site redirects, private
    # addresses), answers dropped for their size, posts cut to their head
    """
    ALTER TABLE crawl_runs ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN too_large INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN cut_posts INTEGER NOT NULL DEFAULT 0
    """,
    # 11: the store at a million posts: a post's bands found by post (an edited post's old bands
    # were deleted by scanning every band), the review page's flagged clusters, and the retention
    # step's scans by age (posts' raw records, cached response bodies)
    """
    CREATE INDEX post_bands_post ON post_bands (post_id);
    CREATE INDEX clusters_flagged ON clusters (flagged, priority) WHERE merged_into IS NULL;
    CREATE INDEX posts_first_seen ON posts (first_seen_at);
    CREATE INDEX http_cache_stored ON http_cache (stored_at)
    """,
]
