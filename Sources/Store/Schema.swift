import GRDB

/// The ordered, append-only list of migrations. Never edit a shipped migration: add one.
/// Migrations use SQL only, never the app's record types, so old ones stay valid forever.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-feeds-articles") { db in
            try db.execute(sql: """
                CREATE TABLE feeds (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    url TEXT NOT NULL UNIQUE,
                    title TEXT,
                    site_url TEXT,
                    category TEXT,
                    language TEXT,
                    added_at DATETIME NOT NULL,
                    -- fetch state, filled by the poller
                    etag TEXT,
                    last_modified TEXT,
                    next_poll_at DATETIME,
                    consecutive_errors INTEGER NOT NULL DEFAULT 0,
                    last_status TEXT,
                    last_error TEXT,
                    last_success_at DATETIME,
                    disabled INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE articles (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
                    guid TEXT NOT NULL,
                    url TEXT,
                    canonical_url TEXT,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    author TEXT,
                    categories TEXT NOT NULL DEFAULT '[]',
                    language TEXT,
                    published_at DATETIME,
                    fetched_at DATETIME NOT NULL,
                    fingerprint TEXT NOT NULL,
                    UNIQUE (feed_id, guid)
                );
                CREATE INDEX articles_canonical_url ON articles(canonical_url);
                CREATE INDEX articles_fingerprint ON articles(fingerprint);
                CREATE INDEX articles_published ON articles(published_at);
                """)
        }
        migrator.registerMigration("v2-events") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    confidence REAL NOT NULL,
                    amount_min REAL,
                    amount_max REAL,
                    currency TEXT,
                    quantity_value REAL,
                    quantity_unit TEXT,
                    product TEXT,
                    evidence TEXT NOT NULL,
                    spans TEXT NOT NULL DEFAULT '[]',
                    rule_id TEXT NOT NULL,
                    ruleset_version TEXT NOT NULL,
                    language TEXT NOT NULL,
                    occurred_at DATETIME NOT NULL
                );
                CREATE INDEX events_type_time ON events(type, occurred_at);
                CREATE INDEX events_article ON events(article_id);
                CREATE TABLE event_actors (
                    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    ticker TEXT,
                    role TEXT NOT NULL,
                    PRIMARY KEY (event_id, name)
                );
                CREATE INDEX event_actors_name ON event_actors(name);
                """)
        }
        migrator.registerMigration("v3-poll-state") { db in
            try db.execute(sql: """
                ALTER TABLE feeds ADD COLUMN last_polled_at DATETIME;
                -- a 301/308 target moves the feed only once seen on consecutive polls
                ALTER TABLE feeds ADD COLUMN redirect_candidate TEXT;
                ALTER TABLE feeds ADD COLUMN redirect_seen INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX feeds_due ON feeds(disabled, next_poll_at);
                """)
        }
        migrator.registerMigration("v4-events-by-time") { db in
            try db.execute(sql: "CREATE INDEX events_time ON events(occurred_at)")
        }
        return migrator
    }
}
