-- Bulk import: one fingerprint per imported row (SHA-256 of its normalized content), so that
-- importing the same file twice creates nothing the second time. `batch` names the import run that
-- first saw the row (a later row of the same run with the same fingerprint is a duplicate in the
-- file); deleting the pin forgets the fingerprint, so the row can be imported again.
CREATE TABLE import_fingerprints (
    fingerprint  TEXT PRIMARY KEY NOT NULL,
    batch        TEXT NOT NULL,
    source_row   INTEGER NOT NULL,
    pin_id       INTEGER REFERENCES pins(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL
) STRICT;

CREATE INDEX import_fingerprints_by_pin ON import_fingerprints(pin_id);
