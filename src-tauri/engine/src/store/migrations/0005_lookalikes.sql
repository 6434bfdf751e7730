-- Exactly once against a Pinterest we did not write (issue 14).
-- last_sent_at: when this job's latest pin creation left (sent_at keeps the earliest unconfirmed
-- one). A board check that finds nothing is trusted only once a listing lag has passed since it.
-- jobs_unsettled: the few jobs whose outcome is unknown (in flight, or waiting for a board check),
-- read on every dispatch to keep look-alike pins of one board from being attempted side by side.
ALTER TABLE jobs ADD COLUMN last_sent_at TEXT;
CREATE INDEX jobs_unsettled ON jobs(account_id, board_id)
    WHERE state = 'in_flight' OR needs_reconcile = 1;
