-- Completions and heartbeats find their running task through the primary key, never through an
-- index of running rows.
--
-- Both name the task by key and fence it with state = 'running', and a partial index WHERE
-- state = 'running' matches that condition. In the soak's held half (./bench/run taskdb, 2
-- cores), EXPLAIN of the completion's update on the bench database chose a full scan of
-- tasks_running_by_stream, estimated at 1 row and a cost of 4.44, over the primary key. A
-- completed task's entry stays in that index until vacuum removes it, and while another
-- transaction holds its snapshot vacuum removes none, so the index held every task completed
-- since the snapshot (millions). Sampled pg_stat_activity showed the completions waiting on
-- data-file reads, the other completions of their jobs queued behind them on the job rows, and
-- throughput fell from 10,700 to about 1,000 tasks/s. With this migration and the one-round-trip
-- completion (TaskSql.LOCK_JOBS_THEN_COMPLETE, measured together, not apart) the held half kept
-- 0.86 of the clean throughput over 10 minutes.
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
