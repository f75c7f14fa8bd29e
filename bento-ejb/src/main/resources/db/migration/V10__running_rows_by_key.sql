-- Completions and heartbeats find their running task through the primary key, never through an
-- index of running rows.
--
-- Both name the task by key and fence it with state = 'running', and a partial index WHERE
-- state = 'running' matches that condition. The planner then saw a full scan of such an index
-- as the cheapest way to the rows: ANALYZE sizes a partial index by the live rows it covers,
-- a few dozen running tasks, so the scan was costed at 4.44 against 8.3 for a key lookup. But a
-- completed task's entry stays in the index until vacuum removes it, and while another
-- transaction holds its snapshot vacuum removes none: in the soak's held half the index held
-- every task completed since the snapshot, millions, and each completion read all of them
-- (pages from disk; the completion, waiting on I/O, held its job rows, and every other
-- completion of those jobs queued behind it). Throughput fell from 10,700 to 1,000 tasks/s.
--
-- tasks_running_by_stream (V1) has had no reader since the reaper moved to
-- tasks_running_by_lease (V4): dropped. The reaper's index now also requires a lease. Every
-- running task has one (the claim sets it), so it covers the same rows, and the reaper's
-- lease_expires_at < now() implies the new condition. A completion or a heartbeat does not
-- mention the lease, so the planner cannot use this index for them and takes the primary key.
DROP INDEX tasks_running_by_stream;

CREATE INDEX tasks_running_by_lease_v10 ON tasks (lease_expires_at)
    WHERE state = 'running' AND lease_expires_at IS NOT NULL;
DROP INDEX tasks_running_by_lease;
ALTER INDEX tasks_running_by_lease_v10 RENAME TO tasks_running_by_lease;
