-- Key/value settings of the app (time zone, retry budget, ...). Values are JSON text.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
