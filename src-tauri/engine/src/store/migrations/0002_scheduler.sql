-- Accounts, their boards and sections, pins (drafts and scheduled), jobs (one per pin and board),
-- the append-only audit trail of every job transition, and the log of requests sent per account
-- (the limiter's windows are rebuilt from it after a restart). Times are UTC RFC 3339 text.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    environment   TEXT NOT NULL,            -- JSON: pinterest::Environment
    username      TEXT,
    limits        TEXT NOT NULL DEFAULT '{"preset":"standard"}', -- JSON: pacing limits
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'needs_reconnect', 'spam_blocked', 'disconnected')),
    paused_until  TEXT,
    pause_reason  TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE boards (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    board_id    TEXT NOT NULL CHECK (board_id GLOB '[0-9]*' AND board_id NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL,
    synced_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, board_id)
) STRICT;

CREATE TABLE board_sections (
    account_id  INTEGER NOT NULL,
    board_id    TEXT NOT NULL,
    section_id  TEXT NOT NULL CHECK (section_id GLOB '[0-9]*' AND section_id NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL,
    PRIMARY KEY (account_id, board_id, section_id),
    FOREIGN KEY (account_id, board_id) REFERENCES boards(account_id, board_id) ON DELETE CASCADE
) STRICT;

-- Images copied into the data directory, named by their SHA-256.
CREATE TABLE media (
    sha256        TEXT PRIMARY KEY NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE pins (
    id           INTEGER PRIMARY KEY,
    title        TEXT,
    description  TEXT,
    link         TEXT,
    alt_text     TEXT,
    media_sha256 TEXT REFERENCES media(sha256),
    media_url    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE jobs (
    id                 INTEGER PRIMARY KEY,
    pin_id             INTEGER NOT NULL REFERENCES pins(id) ON DELETE CASCADE,
    account_id         INTEGER REFERENCES accounts(id),
    board_id           TEXT,
    section_id         TEXT,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'due', 'in_flight',
                           'waiting_retry', 'published', 'failed', 'cancelled', 'missed',
                           'needs_reconnect')),
    due_at             TEXT,            -- UTC; NULL for drafts
    schedule_tz        TEXT,            -- IANA zone the user scheduled in
    schedule_local     TEXT,            -- local date-time in that zone
    attempt            INTEGER NOT NULL DEFAULT 0,
    retry_delay_ms     INTEGER NOT NULL DEFAULT 0, -- total backoff spent so far
    next_attempt_at    TEXT,
    sent_at            TEXT,            -- when the current attempt left (set with in_flight)
    needs_reconcile    INTEGER NOT NULL DEFAULT 0, -- the last attempt may have reached Pinterest
    pinterest_pin_id   TEXT,
    pinterest_url      TEXT,
    error_code         TEXT,
    error_message      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (pin_id, account_id, board_id)
) STRICT;

CREATE INDEX jobs_by_state_due ON jobs(state, due_at);
CREATE INDEX jobs_by_state_retry ON jobs(state, next_attempt_at);
CREATE INDEX jobs_by_account_state ON jobs(account_id, state);

CREATE TABLE job_events (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    detail      TEXT                    -- JSON, never a secret
) STRICT;

CREATE INDEX job_events_by_job ON job_events(job_id, id);

-- Append-only: the audit trail is never rewritten.
CREATE TRIGGER job_events_no_update BEFORE UPDATE ON job_events
BEGIN SELECT RAISE(ABORT, 'job_events is append-only'); END;

CREATE TABLE request_log (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    status      INTEGER
) STRICT;

CREATE INDEX request_log_by_account ON request_log(account_id, sent_at);
