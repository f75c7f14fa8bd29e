-- TaskDB under churn and over time: retention of finished jobs' task rows, and the storage
-- settings that keep claims fast while rows are inserted, rewritten and deleted by the
-- thousands per second. Each choice is explained where it is made.


-- ---------------------------------------------------------------------------------------------
-- Retention (TaskDb.pruneFinishedJobs): a job that ended more than the retention period ago
-- (bento.retention.hours) loses its task rows and edges; its row stays, with state, error, times
-- and stats, so its status still answers.

-- When the job's task rows were deleted (NULL: not yet).
ALTER TABLE jobs ADD COLUMN pruned_at timestamptz;

-- The retention pass's work list: ended jobs whose tasks are still there, oldest end first. Partial,
-- so it holds only jobs between their end and their pruning (a day's worth by default), never the
-- running ones nor the history, and a pass reads just the batch it prunes. It costs the running
-- job's many updates nothing: state, finished_at and pruned_at change once or twice in a job's
-- life, and every other update of a job row (remaining, progress, started_at) touches no column
-- of this index or its predicate, so stays a HOT update.
CREATE INDEX jobs_awaiting_prune ON jobs (finished_at) WHERE state <> 'running' AND pruned_at IS NULL;

-- The dependents' side of the edges. Deleting a task makes PostgreSQL look for edges naming it
-- through both foreign keys of task_deps (ON DELETE CASCADE): the pre_task_id side is the
-- primary key's prefix, but the post_task_id side had only the job_id prefix, so each deleted
-- task scanned all of its job's edges: quadratic in the job's size (pruning one job of 8,000
-- tasks and 8,000 edges took 1.2 s, 1.09 s of it in that check; with this index, 75 ms in all).
-- Its price is one more index entry per edge, written once when the edge is created.
CREATE INDEX task_deps_by_post ON task_deps (job_id, post_task_id);


-- ---------------------------------------------------------------------------------------------
-- The claim index, reviewed and kept as V1 made it:
--   tasks_ready_claim_order ON tasks (stream_id, job_seq, seq) WHERE state = 'ready'
-- Its keys are exactly the claim's equality and order (per stream: oldest job, then task
-- order), so a claim reads the head of each stream's entries and stops after `max`. Being
-- partial, it holds only ready rows: its size follows the backlog, not the table. Two
-- alternatives were weighed and rejected: adding not_before to the keys (ready rows in back-off
-- are rare and few; it would order the index by time instead of by job) and INCLUDE-ing
-- columns for an index-only scan (a claim must visit the heap anyway to lock and rewrite the
-- row). What keeps it fast under churn is vacuum, below: every claim leaves a dead entry at the
-- head of its stream, which the next claims step over until vacuum (or an index scan's
-- kill_prior_tuple) removes it.


-- ---------------------------------------------------------------------------------------------
-- tasks: every row is inserted, rewritten 2 to a few dozen times (claimed, heartbeats, done;
-- requeues) within minutes, then left alone until retention deletes it.
--
-- fillfactor 70 (V1: 80). A heartbeat touches no indexed column and is a HOT update if the new
-- version fits on the same page; the state changes (ready -> running -> done) change `state`,
-- which the partial indexes' predicates read, so they are not HOT, but a new version on the same
-- page still costs no extra page read or write, and page pruning reclaims the old ones there.
-- Tasks of a job are inserted together and claimed together (a batch claim rewrites neighbours
-- in one statement, before any pruning), so the free space must hold several new versions at
-- once: 30 % of a page is about 8 versions of a typical row (~250 bytes with its payload).
-- Lower would mostly grow the table (and every sequential read of it). Applies to pages written
-- from now on.
--
-- autovacuum: the defaults wait for 20 % of the table to be dead, which on a table of a few
-- million rows means hundreds of thousands of dead versions, and dead entries piling up at the
-- head of the ready index. So: vacuum after 2 % (+ 1000) dead rows; analyze after 2 % changes,
-- so that the planner's idea of how many rows are ready (the claim's row estimates) follows
-- the backlog; after 5 % inserted rows too (bulk task creation), which also keeps the
-- visibility map current; and no cost-based sleeping for this table, so a vacuum of the hot
-- table finishes quickly instead of trickling along behind the churn. (Autovacuum looks at each
-- database once per autovacuum_naptime, 1 min by default: a server setting, the operator's.)
ALTER TABLE tasks SET (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_vacuum_insert_threshold = 5000,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);

-- ---------------------------------------------------------------------------------------------
-- jobs: small rows, each rewritten at every completion of one of its tasks (remaining), so a
-- running job's row is among the most rewritten in the database; V1 left it at fillfactor 100,
-- where the first update of a row on a full page must move it to another page and add entries
-- to both of the table's indexes. fillfactor 50 keeps those updates HOT (none of them touches
-- an indexed column): jobs are few and small, so doubling their pages is cheap. Autovacuum as
-- for tasks: the dead versions are many while jobs run, the live rows few.
ALTER TABLE jobs SET (
    fillfactor = 50,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05,
    autovacuum_vacuum_cost_delay = 0
);

-- ---------------------------------------------------------------------------------------------
-- streams: left as V1 made it (fillfactor 50; default autovacuum). It has one row per user and
-- worker type, rewritten by every claim and completion; the updates are HOT and page pruning
-- reclaims their dead versions on the spot, and with so few rows the default thresholds already
-- have it vacuumed at every autovacuum round of the database.

-- ---------------------------------------------------------------------------------------------
-- task_deps: insert-only while jobs run, deleted in bulk by retention. Vacuum after 5 % dead
-- rows, so that the space of a pruned day is reused before the table grows further.
ALTER TABLE task_deps SET (
    autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_vacuum_threshold = 1000
);
