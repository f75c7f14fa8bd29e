-- Where each stream's claims start reading its ready queue, so that a claim costs the same
-- whether or not vacuum can keep up.
--
-- Every claim turns ready rows into running ones. Their entries in tasks_ready_claim_order stay
-- behind, dead, until vacuum removes them, and vacuum can remove only what no snapshot still
-- sees. While one session keeps a transaction open (a report, a pg_dump, a forgotten psql), no
-- entry can go, and every claim re-read the whole dead prefix of the queue from its start,
-- heap visit by heap visit: at 10k tasks/s the prefix grows by 10k entries a second, and claim
-- throughput fell to 15 % of its clean rate within two minutes (the soak cell of
-- `./bench/run taskdb`). With a lower bound on the keys of a stream's ready tasks, a claim reads
-- from that bound and skips the dead prefix in one index descent.
--
-- Keys are the claim order (job_seq, seq) as two-element arrays: LEAST treats NULL as "none"
-- and compares arrays lexicographically.
--
-- claim_from: no task of the stream is ready with a smaller key. Lowered (LEAST) by every
--   transaction that makes a task of the stream ready (creation, a parent's completion, a
--   requeue), in the same transaction; raised only by a claim, to the first ready task of its
--   snapshot that it did not take.
-- readied_low: the smallest key made ready since the last claim moved claim_from. A claim reads
--   the queue in its statement's snapshot but moves claim_from under the stream row's lock, in
--   the row's latest version; tasks made ready by transactions that committed in between are
--   not in its snapshot, and this column is how it learns their keys (it moves claim_from to
--   the lesser of the two, and clears it). A transaction still in flight when the claim commits
--   lowers claim_from itself afterwards. So the bound holds whatever commits in whatever order.
--
-- Both columns change with `running` in updates the stream row has anyway (every claim and
-- completion rewrites it), and touch no index: still HOT updates on the fillfactor 50 page.
ALTER TABLE streams
    ADD COLUMN claim_from  bigint[] NOT NULL DEFAULT '{0,0}',
    ADD COLUMN readied_low bigint[];


-- The lease reaper's index, for the same reason: it reads running tasks whose lease expired, and
-- each completed task leaves a dead entry in an index on running rows until vacuum removes it.
-- tasks_running_by_stream (V1) held them in stream order, so every pass (one a second) re-read
-- all of them while a held transaction kept vacuum out. In lease order, a pass reads only
-- [watermark, now) (TaskSql.EXPIRED_LEASES): about one second's worth. The price: a heartbeat
-- changes an indexed column now, so it is no longer a HOT update (a heartbeat comes every third
-- of a lease per running task: a few per second in a busy cluster).
CREATE INDEX tasks_running_by_lease ON tasks (lease_expires_at) WHERE state = 'running';


-- Claims find the streams of their worker types by this index instead of reading the table.
-- streams has one live row per user and worker type, but every claim and completion rewrites
-- one; when pruning falls behind (a snapshot held by an ANALYZE of tasks, or by any long
-- transaction), the table grows by thousands of pages of dead versions and does not shrink
-- (2,173 pages for its one row after two minutes of a 9k tasks/s soak, measured with generic plans), and the claim's scan of
-- it (5 ms) and the hash joins the planner chose for the stream updates (15-30 ms) read all of
-- them, at every claim and completion. Updates of stream rows go through the primary key
-- (TaskSql says how); vacuum runs on streams after every 1000 dead rows, without cost delay.
CREATE INDEX streams_by_worker_type ON streams (worker_type, id);

ALTER TABLE streams SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);
