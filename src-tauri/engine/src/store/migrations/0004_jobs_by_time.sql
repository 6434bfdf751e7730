-- The calendar asks for the jobs of the range it shows, in every state: an index on the time
-- alone serves that read (jobs_by_state_due serves the scheduler's reads by state).
CREATE INDEX jobs_by_due ON jobs(due_at);
