-- TaskDB: the scheduler's state. A job is a DAG of tasks with deterministic ids ('init', '0',
-- 'join-3', 'finalize', …); agents claim ready tasks of their worker types, heartbeat while they
-- run, and report done or failed. The hot statements live in dev.bentoj.taskdb.control.TaskSql.
--
-- Every table is LOGGED (upstream made tasks, task_deps and streams UNLOGGED, so a PostgreSQL
-- crash truncated them and lost every job in flight). States are text with CHECK constraints
-- rather than enum types: JDBC and JPA bind them as plain strings, and a new value is one
-- ALTER ... CHECK away.
--
-- Invariants the scheduler keeps (all in the transaction that changes a task's state):
--   tasks.waiting_on      = number of the task's prerequisites not yet done (while pending)
--   jobs.remaining        = number of the job's tasks not yet done (the job succeeds at 0)
--   streams.running       = number of the stream's tasks in state 'running'
-- so no statement ever needs COUNT(*) to schedule.


-- A stream is one user's queue for one worker type: the unit of fairness. Claims pick among
-- streams first, then take the oldest job's tasks within the chosen stream.
--   reserved   dedicated slots: while fewer than `reserved` of its tasks run, the stream is served
--              before every stream outside its reservation (0 for most users).
--   multiplier weighted share: outside reservations, the next task goes to the stream with the
--              lowest (running - reserved) / multiplier.
--   running    exact count of running tasks, updated in the claim/complete/fail/reap statements
--              themselves (upstream refreshed counters every 5 s, so new work waited that long).
CREATE TABLE streams (
    id          bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     text             NOT NULL,
    worker_type text             NOT NULL CHECK (worker_type IN ('exec', 'prove', 'join', 'aux', 'snark')),
    reserved    integer          NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    multiplier  double precision NOT NULL DEFAULT 1 CHECK (multiplier > 0),
    -- No CHECK (running >= 0) on purpose: under concurrent claims PostgreSQL checks constraints
    -- on the row computed from the statement's snapshot before it re-reads the latest version,
    -- so an exact decrement could be refused against a stale value (seen in our tests).
    running     integer          NOT NULL DEFAULT 0,
    created_at  timestamptz      NOT NULL DEFAULT now(),
    -- One stream per user and type; also the lookup index when a job's tasks are created.
    UNIQUE (user_id, worker_type)
)
-- Each claim and each completion rewrites its stream's row (the running counter): leave room in
-- the page so those updates stay HOT (no index touched, no new page).
WITH (fillfactor = 50);


-- A job: one proving or execution session. `seq` gives jobs a total order (oldest job first
-- within a stream); it is copied into its tasks so that claims never join this table.
CREATE TABLE jobs (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    user_id     text        NOT NULL,
    state       text        NOT NULL DEFAULT 'running'
                            CHECK (state IN ('running', 'succeeded', 'failed', 'aborted', 'timed_out')),
    -- Tasks not yet done; the completion that brings it to 0 marks the job succeeded (O(1),
    -- where upstream counted the job's unfinished tasks at every completion).
    remaining   integer     NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    error       text,
    -- Free progress text, the API's `state` field ('Executor', 'ProveSegments: 3/8', …).
    progress    text,
    stats       jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Start of the earliest task that completed so far (set by completions: free, since they
    -- update this row anyway); the status query falls back to the tasks while none has.
    started_at  timestamptz,
    finished_at timestamptz
);
-- Jobs are read by primary key only (a user's scope is checked on the row read), so no other
-- index: every index would be maintained on each of the job's state changes.


-- A task: (job_id, task_id) with a deterministic task_id, so that creating it again (a retried
-- batch, a restarted planner) is recognised and ignored.
CREATE TABLE tasks (
    job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    task_id          text        NOT NULL,
    worker_type      text        NOT NULL CHECK (worker_type IN ('exec', 'prove', 'join', 'aux', 'snark')),
    -- The user's stream for worker_type. No foreign key on purpose: the check would take a
    -- KEY SHARE lock on the stream row at every insert, and that row is rewritten by every claim
    -- and completion (multixact churn on the hottest row). Streams are never deleted.
    stream_id        bigint      NOT NULL,
    -- Claim order within a stream: the job's seq (oldest job first), then the task's creation
    -- order (seq is global, so it is also creation order within the job).
    job_seq          bigint      NOT NULL,
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    state            text        NOT NULL
                                 CHECK (state IN ('pending', 'ready', 'running', 'done', 'failed', 'cancelled')),
    -- Prerequisites not yet done: decremented by each parent's completion, ready at 0.
    waiting_on       integer     NOT NULL DEFAULT 0 CHECK (waiting_on >= 0),
    -- Attempts so far; a claim increments it and hands it out as the fencing token: heartbeat,
    -- done and failed must quote the current attempt of a running task.
    attempt          integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    -- Lease length: an attempt without a heartbeat for this long is presumed dead.
    timeout_seconds  integer     NOT NULL CHECK (timeout_seconds > 0),
    -- A ready task is not claimed before this (retry back-off); '-infinity' = at once.
    not_before       timestamptz NOT NULL DEFAULT '-infinity',
    -- Set while running: claim and heartbeat put it at now() + timeout_seconds.
    lease_expires_at timestamptz,
    worker_id        text,
    payload          jsonb,
    output           jsonb,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    -- The primary key also serves every per-job access: a job's tasks, status counts, and
    -- cancelling a failed or aborted job's tasks.
    PRIMARY KEY (job_id, task_id),
    CHECK (waiting_on = 0 OR state IN ('pending', 'cancelled')),
    CHECK ((state = 'running') = (lease_expires_at IS NOT NULL))
)
-- Heartbeats rewrite running rows (lease_expires_at, which no index covers): free space in each
-- page keeps those updates HOT.
WITH (fillfactor = 80);

-- The claim index: only ready rows, in claim order per stream. A claim reads the head of this
-- index for each candidate stream, so its cost depends on the claim size, not on how many tasks
-- are pending, running or finished. Being partial, it stays small under churn: a row enters it
-- when it becomes ready and leaves when claimed.
CREATE INDEX tasks_ready_claim_order ON tasks (stream_id, job_seq, seq) WHERE state = 'ready';

-- Running rows only, for the lease reaper (it scans them all and filters on lease_expires_at;
-- there are as many as busy workers) and for checking streams.running against the truth.
-- lease_expires_at is deliberately not a key here: heartbeats then never touch an index.
CREATE INDEX tasks_running_by_stream ON tasks (stream_id) WHERE state = 'running';


-- Dependency edges: post_task_id waits for pre_task_id (both in job_id). The primary key's
-- order (job_id, pre_task_id, …) is exactly the lookup a completion makes: "my dependents".
-- Deleting a job's edges (retention, cascades) goes by its job_id prefix.
CREATE TABLE task_deps (
    job_id       uuid NOT NULL,
    pre_task_id  text NOT NULL,
    post_task_id text NOT NULL,
    PRIMARY KEY (job_id, pre_task_id, post_task_id),
    FOREIGN KEY (job_id, pre_task_id) REFERENCES tasks (job_id, task_id) ON DELETE CASCADE,
    FOREIGN KEY (job_id, post_task_id) REFERENCES tasks (job_id, task_id) ON DELETE CASCADE
)
-- Insert-only while a job runs: pack the pages.
WITH (fillfactor = 100);
