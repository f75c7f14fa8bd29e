-- A task's created_at is the moment its row was inserted, not the start of the transaction that
-- inserted it (now()). The creating transaction does more after the insert and before its commit
-- (stream counters, claim_from, notices) and, for a job, more before it (the job row, its
-- streams): now() put several round trips of that into every "ready -> claimed" measured from
-- created_at (the benchmarks' wake-up and first-prove latencies). Still an upper bound on when
-- the task became visible: the commit comes after.
ALTER TABLE tasks ALTER COLUMN created_at SET DEFAULT clock_timestamp();
