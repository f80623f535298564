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
    # 6: the review workspace. `reviews` becomes the append-only decision log (every action, undo
    # entries pointing at the entry they cancel; the old rows kept); each cluster caches the state
    # the log puts in force and its facets (sources, languages, products) so the queue can filter
    # and page on indexes; `queue_key` sorts loudest first and is the keyset cursor; `cluster_fts`
    # is the cluster's searchable text (trigram: Chinese substrings of 3+ characters, and English),
    # `cluster_grams` its single characters, character pairs and words, for 1-2 character searches
    # (filled by the store's function lingting_short_grams, store/facets.py); `facet_values` every
    # source, language and product a cluster was ever seen with, for the filters' choices
    """
    CREATE TABLE decision_log (
        id INTEGER PRIMARY KEY,
        cluster_id INTEGER NOT NULL REFERENCES clusters(id),
        decision TEXT NOT NULL
            CHECK (decision IN ('confirm', 'dismiss', 'relabel', 'assign', 'note', 'undo', 'merge', 'split')),
        category TEXT,
        priority TEXT,
        reviewer TEXT,
        note TEXT,
        reason TEXT,
        assignee TEXT,
        undoes INTEGER,
        other_cluster_id INTEGER,
        post_id INTEGER,
        batch TEXT,
        created_at TEXT NOT NULL
    );
    INSERT INTO decision_log (id, cluster_id, decision, category, priority, reviewer, note, created_at)
        SELECT id, cluster_id, decision, category, priority, reviewer, note, created_at FROM reviews ORDER BY id;
    DROP TABLE reviews;
    ALTER TABLE decision_log RENAME TO reviews;
    CREATE INDEX reviews_cluster ON reviews (cluster_id, id);
    CREATE INDEX reviews_reviewer ON reviews (reviewer, id);
    CREATE INDEX reviews_undoes ON reviews (undoes) WHERE undoes IS NOT NULL;
    CREATE INDEX reviews_batch ON reviews (batch) WHERE batch IS NOT NULL;
    CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
    BEGIN
        SELECT RAISE(ABORT, 'the decision log is append-only / 审核记录只能追加');
    END;
    CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
    BEGIN
        SELECT RAISE(ABORT, 'the decision log is append-only / 审核记录只能追加');
    END;
    ALTER TABLE clusters ADD COLUMN review_verdict TEXT;
    ALTER TABLE clusters ADD COLUMN review_category TEXT;
    ALTER TABLE clusters ADD COLUMN review_priority TEXT;
    ALTER TABLE clusters ADD COLUMN assignee TEXT;
    ALTER TABLE clusters ADD COLUMN exported INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clusters ADD COLUMN sources TEXT NOT NULL DEFAULT ',';
    ALTER TABLE clusters ADD COLUMN langs TEXT NOT NULL DEFAULT ',';
    ALTER TABLE clusters ADD COLUMN products TEXT NOT NULL DEFAULT ',';
    ALTER TABLE clusters ADD COLUMN queue_priority TEXT
        GENERATED ALWAYS AS (coalesce(review_priority, priority, 'P9')) VIRTUAL;
    ALTER TABLE clusters ADD COLUMN queue_category TEXT
        GENERATED ALWAYS AS (coalesce(review_category, category)) VIRTUAL;
    ALTER TABLE clusters ADD COLUMN queue_state TEXT GENERATED ALWAYS AS (
        CASE WHEN flagged = 0 OR merged_into IS NOT NULL THEN NULL
             WHEN review_verdict = 'dismiss' THEN 'dismissed'
             WHEN exported THEN 'exported'
             WHEN review_verdict = 'confirm' THEN 'confirmed'
             ELSE 'pending' END) VIRTUAL;
    ALTER TABLE clusters ADD COLUMN queue_key TEXT GENERATED ALWAYS AS (
        CASE WHEN flagged = 0 OR merged_into IS NOT NULL THEN NULL
             ELSE printf('%s.%010d.%010d.%012d', coalesce(review_priority, priority, 'P9'),
                         9999999999 - distinct_authors,
                         9999999999 - coalesce(CAST(strftime('%s', last_seen_at) AS INTEGER), 0), id) END) VIRTUAL;
    CREATE INDEX clusters_queue ON clusters (queue_state, queue_key, queue_category, langs, sources, products,
        last_seen_at) WHERE queue_key IS NOT NULL;
    CREATE INDEX clusters_queue_all ON clusters (queue_key, queue_category, langs, sources, products, last_seen_at)
        WHERE queue_key IS NOT NULL;
    CREATE INDEX clusters_queue_assignee ON clusters (assignee, queue_key) WHERE queue_key IS NOT NULL;
    CREATE INDEX clusters_queue_by_id ON clusters (id, queue_state, queue_key, queue_category, langs, sources,
        products, last_seen_at, assignee) WHERE queue_key IS NOT NULL;
    CREATE INDEX exports_cluster ON exports (cluster_id);
    CREATE INDEX outbox_intake ON outbox (intake_id, revision);
    CREATE TRIGGER exports_mark_cluster AFTER INSERT ON exports
    BEGIN
        UPDATE clusters SET exported = 1 WHERE id = NEW.cluster_id AND exported = 0;
    END;
    UPDATE clusters SET exported = 1 WHERE id IN (SELECT cluster_id FROM exports);
    CREATE TABLE queue_counts (state TEXT PRIMARY KEY, clusters INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
    INSERT INTO queue_counts (state) VALUES ('pending'), ('confirmed'), ('dismissed'), ('exported');
    CREATE TRIGGER queue_counts_insert AFTER INSERT ON clusters WHEN NEW.queue_state IS NOT NULL
    BEGIN
        UPDATE queue_counts SET clusters = clusters + 1 WHERE state = NEW.queue_state;
    END;
    CREATE TRIGGER queue_counts_update AFTER UPDATE ON clusters WHEN OLD.queue_state IS NOT NEW.queue_state
    BEGIN
        UPDATE queue_counts SET clusters = clusters - 1 WHERE state = OLD.queue_state;
        UPDATE queue_counts SET clusters = clusters + 1 WHERE state = NEW.queue_state;
    END;
    CREATE TRIGGER queue_counts_delete AFTER DELETE ON clusters WHEN OLD.queue_state IS NOT NULL
    BEGIN
        UPDATE queue_counts SET clusters = clusters - 1 WHERE state = OLD.queue_state;
    END;
    UPDATE clusters SET
        review_verdict = (SELECT decision FROM reviews WHERE cluster_id = clusters.id
                          AND decision IN ('confirm', 'dismiss') ORDER BY id DESC LIMIT 1),
        review_category = (SELECT category FROM reviews WHERE cluster_id = clusters.id
                           AND category IS NOT NULL ORDER BY id DESC LIMIT 1),
        review_priority = (SELECT priority FROM reviews WHERE cluster_id = clusters.id
                           AND priority IS NOT NULL ORDER BY id DESC LIMIT 1),
        sources = ',' || coalesce((SELECT group_concat(DISTINCT source) FROM posts WHERE cluster_id = clusters.id), '')
                  || ',',
        langs = ',' || coalesce((SELECT group_concat(DISTINCT lang) FROM posts WHERE cluster_id = clusters.id), '')
                || ',',
        products = ',' || coalesce((SELECT group_concat(DISTINCT j.value) FROM posts p,
                   json_each(p.analysis, '$.relevance_terms') j WHERE p.cluster_id = clusters.id), '') || ',';
    UPDATE queue_counts SET clusters = (SELECT count(*) FROM clusters WHERE queue_state = queue_counts.state);
    CREATE TABLE facet_values (kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value)) WITHOUT ROWID;
    INSERT OR IGNORE INTO facet_values SELECT 'sources', source FROM posts GROUP BY source;
    INSERT OR IGNORE INTO facet_values SELECT 'langs', lang FROM posts WHERE lang IS NOT NULL GROUP BY lang;
    INSERT OR IGNORE INTO facet_values SELECT DISTINCT 'products', j.value FROM posts p,
        json_each(p.analysis, '$.relevance_terms') j;
    CREATE VIRTUAL TABLE cluster_fts USING fts5(body, tokenize = 'trigram');
    INSERT INTO cluster_fts (rowid, body)
        SELECT c.id, coalesce(p.title, '') || char(10) || p.text FROM clusters c JOIN posts p ON p.id = c.seed_post_id
        WHERE c.flagged = 1;
    CREATE VIRTUAL TABLE cluster_grams USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0', detail = none);
    INSERT INTO cluster_grams (rowid, grams) SELECT rowid, lingting_short_grams(body) FROM cluster_fts
    """,
    # 7: the review web app's accounts (argon2 password hashes; the UI language per user)
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'reviewer', 'admin')),
        password_hash TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    )
    """,
    # 8: the limits a crawl hit, per source: requests refused (off-site redirects, private
    # addresses), answers dropped for their size, posts cut to their head
    """
    ALTER TABLE crawl_runs ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN too_large INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE crawl_runs ADD COLUMN cut_posts INTEGER NOT NULL DEFAULT 0
    """,
    # 9: the scheduler (lingting/service): one row per job with its last and next run and the child
    # running it, and the heartbeats of the service and of /healthz's write probe
    """
    CREATE TABLE scheduled_jobs (
        name TEXT PRIMARY KEY,
        next_run_at TEXT,
        last_started_at TEXT,
        last_finished_at TEXT,
        last_outcome TEXT,
        last_error TEXT,
        running_pid INTEGER,
        running_pid_start INTEGER,
        running_deadline TEXT,
        runs INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE service_heartbeats (
        name TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'running'
    )
    """,
    # 10: trends: each cluster's theme and the brands its posts name,
    # day x brand x source x theme counts, distinct authors per hour (a person counts once per hour
    # however often they post or repost), detected spikes (one alert each), and the refresh mark.
    # The day index lets a refresh recount one day without reading the others.
    """
    CREATE TABLE trend_clusters (
        cluster_id INTEGER PRIMARY KEY,
        theme TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('problem', 'request', 'other')),
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL
    );
    CREATE INDEX trend_clusters_theme ON trend_clusters (theme, last_day);
    CREATE TABLE trend_post_brands (
        post_id INTEGER NOT NULL,
        brand TEXT NOT NULL,
        PRIMARY KEY (post_id, brand)
    ) WITHOUT ROWID;
    CREATE TABLE trend_daily (
        day TEXT NOT NULL,
        brand TEXT NOT NULL,
        own INTEGER NOT NULL,
        source TEXT NOT NULL,
        theme TEXT NOT NULL,
        kind TEXT NOT NULL,
        posts INTEGER NOT NULL,
        complaints INTEGER NOT NULL,
        negative INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        sentiment_sum REAL NOT NULL,
        PRIMARY KEY (day, brand, source, theme)
    ) WITHOUT ROWID;
    CREATE TABLE trend_authors (
        brand TEXT NOT NULL,
        theme TEXT NOT NULL,
        day TEXT NOT NULL,
        hour INTEGER NOT NULL,
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (brand, theme, day, hour, author, source)
    ) WITHOUT ROWID;
    CREATE INDEX trend_authors_day ON trend_authors (day);
    CREATE TABLE trend_spikes (
        id INTEGER PRIMARY KEY,
        brand TEXT NOT NULL,
        own INTEGER NOT NULL,
        theme TEXT NOT NULL,
        grain TEXT NOT NULL CHECK (grain IN ('hour', 'day')),
        started_at TEXT NOT NULL,
        peak_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        authors INTEGER NOT NULL,
        baseline REAL NOT NULL,
        sources TEXT NOT NULL DEFAULT '[]',
        alerted_at TEXT,
        UNIQUE (brand, theme, grain, started_at)
    );
    CREATE TABLE trend_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE INDEX posts_updated ON posts (updated_at);
    CREATE INDEX posts_day ON posts (substr(coalesce(created_at, first_seen_at), 1, 10))
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
    # 12: the evidence cap of the analysis, counted like the other limits a crawl hit: posts whose
    # analysis listed only the first of its evidence terms
    """
    ALTER TABLE crawl_runs ADD COLUMN capped_evidence INTEGER NOT NULL DEFAULT 0
    """,
]
