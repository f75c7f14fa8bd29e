package dev.bentoj.taskdb.control;

/**
 * Every statement the scheduler runs, in one place, each with why it is written the way it is.
 * A stream's hot counters (running, claim_from, readied_low) live in generations of
 * stream_counters ({@code V7__stream_counter_generations.sql}): a statement reads the current
 * generation in its snapshot ({@link #generationOf}), locks it ({@link #lockGenerationsOf}, in
 * stream order), updates it only if it is still current, and calls {@code taskdb_counted} to
 * raise a serialization failure (retried by TaskDb) if a rotation got in between. Counter rows
 * are always reached through the primary key (the claim's update: by the ctid read through it);
 * the stream rows themselves, no longer rewritten, are found by claims through
 * streams_by_worker_type. A plan that scanned a rewritten table while a snapshot kept pruning
 * from keeping up made every claim and completion slower by the page, for good
 * (V4__claim_from.sql has the figures).
 * Schema and invariants: {@code db/migration/V1__taskdb.sql}; retention and storage settings:
 * {@code V3__retention_and_churn.sql}.
 *
 * <p>Locking discipline, which is what keeps these statements free of lost updates and (almost)
 * of deadlocks: anything that changes a job's DAG or finishes one of its tasks first locks the
 * job row ({@link #LOCK_JOB}, {@link #LOCK_JOBS}), then task rows, and takes stream counter
 * rows last, just before commit. Claims take only ready task rows (with SKIP LOCKED, so they
 * never wait on them) and then stream counter rows. Because the job lock is taken in a statement of its own, every
 * statement after it sees all the job's committed edges: a completion can never miss a
 * dependent created concurrently (upstream's "stuck pending" tasks).
 */
final class TaskSql {

    private TaskSql() {
    }

    /**
     * The current generation of the counters of stream {@code streamId} (a column of the outer
     * query), for a LATERAL join: the newest, found by a backward scan of the primary key, which
     * never reads older generations' versions ({@code V7__stream_counter_generations.sql}).
     */
    private static String generationOf(String streamId) {
        return "SELECT sc.gen FROM stream_counters sc WHERE sc.stream_id = " + streamId
                + " ORDER BY sc.gen DESC LIMIT 1";
    }

    /**
     * The stream_locks step: locks the counter rows of the generations that {@code rows} (a CTE
     * with stream_id and gen) read, in stream order so that two statements changing several
     * streams never deadlock; a generation retired meanwhile drops out (re-checked on the
     * locked version), and the statement's {@code taskdb_counted} check then fails it. Returns
     * the generation too: the update ({@link #lockedGenerationOf}) matches both columns, so that
     * any index scan it gets, bitmap or not, reads only the current generation's entries
     * ({@code V9__claim_without_jit.sql}). These statements are planned at each execution, and
     * auto_explain in the soak's held half showed both columns in their index condition
     * (PlanSettingsTest checks the completion's); the claim's generic plan kept gen out of it,
     * so the claim reaches its row by ctid instead ({@code R__taskdb_claim.sql}). Not these:
     * given the ctid form, a per-execution plan took a seq scan of a small stream_counters.
     */
    private static String lockGenerationsOf(String rows) {
        return "SELECT sc.stream_id, sc.gen FROM stream_counters sc JOIN " + rows
                + " g ON g.stream_id = sc.stream_id AND g.gen = sc.gen"
                + " WHERE NOT sc.retired ORDER BY sc.stream_id FOR NO KEY UPDATE OF sc";
    }

    /**
     * The WHERE condition of the update that follows {@link #lockGenerationsOf}: the counter row
     * {@code sc} of the generation that row {@code r} (stream_id, gen) read, if still current,
     * named through the locked rows (which also runs the stream_locks CTE first). It starts with
     * a space because a text block drops the one after the WHERE before it.
     */
    private static String lockedGenerationOf(String r) {
        return " " + r + ".stream_id = sc.stream_id AND " + r + ".gen = sc.gen AND NOT sc.retired"
                + " AND sc.stream_id = ANY (ARRAY(SELECT stream_id FROM stream_locks))"
                + " AND sc.gen = ANY (ARRAY(SELECT gen FROM stream_locks))\n";
    }

    /** Creates a running job; its seq orders it among all jobs (oldest first). */
    static final String INSERT_JOB = """
            INSERT INTO jobs (user_id) VALUES (?)
            RETURNING id, seq
            """;

    /**
     * Serialises everything that changes one job's DAG or counters (task creation, completion,
     * failure, abort): those all update this row anyway, so waiting here costs nothing extra, and
     * it is what lets task creation read its prerequisites' states without racing their
     * completions. NO KEY UPDATE: does not block inserts of tasks referencing the job.
     */
    static final String LOCK_JOB = """
            SELECT user_id, state, seq FROM jobs WHERE id = ? FOR NO KEY UPDATE
            """;

    /** As {@link #LOCK_JOB} for a batch of jobs, in id order so that two batches cannot deadlock. */
    static final String LOCK_JOBS = """
            SELECT id, state FROM jobs WHERE id = ANY (?) ORDER BY id FOR NO KEY UPDATE
            """;

    /**
     * Makes sure the user has a stream for each worker type (only on a cache miss); a trigger
     * gives each new stream its first counter generation. DO NOTHING (not DO UPDATE) so that an
     * existing stream row is not locked.
     */
    static final String ENSURE_STREAMS = """
            INSERT INTO streams (user_id, worker_type)
            SELECT ?, unnest(?::text[])
            ON CONFLICT (user_id, worker_type) DO NOTHING
            """;

    /** The user's stream ids by worker type (cached by the caller: streams are never deleted). */
    static final String FIND_STREAMS = """
            SELECT worker_type, id FROM streams WHERE user_id = ? AND worker_type = ANY (?::text[])
            """;

    /** Sets a stream's reservation and multiplier, creating the stream if needed. */
    static final String CONFIGURE_STREAM = """
            INSERT INTO streams (user_id, worker_type, reserved, multiplier) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id, worker_type)
            DO UPDATE SET reserved = EXCLUDED.reserved, multiplier = EXCLUDED.multiplier
            """;

    /**
     * States of existing tasks of the job among the given ids: the batch's own ids (already
     * created: skip them) and its prerequisites (done or not: counts towards waiting_on). The
     * job lock makes these states stable until commit.
     */
    static final String TASK_STATES = """
            SELECT task_id, state FROM tasks WHERE job_id = ? AND task_id = ANY (?::text[])
            """;

    /**
     * Inserts a batch of tasks in one statement, from parallel arrays. waiting_on was computed
     * by the caller; a task with nothing to wait for is ready at once. ORDER BY ordinality keeps
     * the batch order in seq (the claim order within the job). ON CONFLICT DO NOTHING makes a
     * replayed batch harmless; RETURNING tells which rows are new.
     */
    static final String INSERT_TASKS = """
            INSERT INTO tasks (job_id, task_id, worker_type, stream_id, job_seq, state, waiting_on,
                               max_attempts, timeout_seconds, payload)
            SELECT ?, i.task_id, i.worker_type, i.stream_id, ?,
                   CASE WHEN i.waiting_on = 0 THEN 'ready' ELSE 'pending' END,
                   i.waiting_on, i.max_attempts, i.timeout_seconds, i.payload::jsonb
            FROM unnest(?::text[], ?::text[], ?::bigint[], ?::int[], ?::int[], ?::int[], ?::text[])
                 WITH ORDINALITY AS i(task_id, worker_type, stream_id, waiting_on, max_attempts,
                                      timeout_seconds, payload, ord)
            ORDER BY i.ord
            ON CONFLICT (job_id, task_id) DO NOTHING
            RETURNING task_id, worker_type, state, stream_id, seq
            """;

    /**
     * Tasks of these streams became ready with these keys (the least per stream): each stream's
     * claim_from and readied_low come down to it if higher (V4__claim_from.sql says why both).
     * Counter rows locked in stream order, last in the transaction, as everywhere; returns one
     * row, the generation check. The tasks are one job's, so they share its job_seq.
     * Parameters: job_seq, stream ids (bigint[]), the least new ready task seq of each (bigint[]).
     */
    static final String LOWER_CLAIM_FROM = """
            WITH readied AS (
                SELECT r.stream_id, ARRAY[?::bigint, r.seq] AS k, cur.gen
                FROM unnest(?::bigint[], ?::bigint[]) AS r(stream_id, seq)
                CROSS JOIN LATERAL (""" + generationOf("r.stream_id") + """
                ) cur
            ), stream_locks AS (""" + lockGenerationsOf("readied") + """
            ), lowered AS (
                UPDATE stream_counters sc
                SET claim_from = LEAST(sc.claim_from, r.k), readied_low = LEAST(sc.readied_low, r.k),
                    updates = sc.updates + 1
                FROM readied r
                WHERE """ + lockedGenerationOf("r") + """
                RETURNING sc.stream_id
            )
            SELECT taskdb_counted((SELECT count(*) FROM lowered), (SELECT count(*) FROM readied))
            """;

    /** The dependency edges of the new tasks, from two parallel arrays (pre, post). */
    static final String INSERT_DEPS = """
            INSERT INTO task_deps (job_id, pre_task_id, post_task_id)
            SELECT ?, d.pre, d.post FROM unnest(?::text[], ?::text[]) AS d(pre, post)
            """;

    /** The new tasks are not done yet: the job has that many more to finish. */
    static final String ADD_REMAINING = """
            UPDATE jobs SET remaining = remaining + ? WHERE id = ?
            """;

    /**
     * The claim, in one statement and one round trip: fair across streams (reservations, then
     * running / multiplier, then oldest job), ready rows locked with SKIP LOCKED, running,
     * fenced by attempt + 1, the streams' counters and claim_from updated in the same
     * transaction. The statement is the function {@code taskdb_claim} of
     * {@code db/migration/V8__claim_function.sql}, which explains it step by step and says why
     * it lives there: its plan is made once per connection, not at every claim. Its current
     * text is {@code R__taskdb_claim.sql} (no JIT since V9; the counter row reached by ctid).
     * Parameters: max, worker types (text[]), worker id.
     */
    static final String CLAIM = """
            SELECT job_id, task_id, attempt, worker_type, payload, lease_expires_at, timeout_seconds,
                   max_attempts
            FROM taskdb_claim(?, ?::text[], ?)
            """;


    /**
     * Extends the lease of the current attempt (and only of it: the attempt and state = 'running'
     * are the fence). The lease is indexed for the reaper (tasks_running_by_lease, V4 and V10), so this
     * is not a HOT update; it comes once per third of a lease per running task. No row → the
     * caller finds out why with {@link #TASK_FENCE}.
     */
    static final String HEARTBEAT = """
            UPDATE tasks SET lease_expires_at = now() + make_interval(secs => timeout_seconds)
            WHERE job_id = ? AND task_id = ? AND attempt = ? AND state = 'running'
            RETURNING lease_expires_at
            """;

    /** Where a task stands, to explain why a fenced statement matched nothing. */
    static final String TASK_FENCE = """
            SELECT state, attempt FROM tasks WHERE job_id = ? AND task_id = ?
            """;

    /**
     * A batch of completions in one statement, after {@link #LOCK_JOBS} on their jobs.
     * <ol>
     * <li>{@code done}: each task whose quoted attempt is its current running attempt becomes done
     * (others match nothing: stale, repeated or cancelled; the caller diagnoses them).</li>
     * <li>{@code released}: dependents still pending lose one waiting_on per finished parent
     * (counted per child, since a row can be updated once per statement); those reaching 0
     * become ready. O(dependents) through task_deps' primary key.</li>
     * <li>{@code freed}: the streams' running counters, locked in id order ({@code stream_locks}),
     * after every task row; the streams of newly ready dependents lower their claim_from and
     * readied_low to them ({@code V4__claim_from.sql}).</li>
     * <li>{@code finished}: the jobs' remaining counters; the completion that brings one to 0
     * marks the job succeeded (no COUNT over its tasks). started_at keeps the earliest start of
     * a completed task.</li>
     * </ol>
     * The states the two updates expect ('running', 'pending') are columns of their input, not
     * constants (behind a MATERIALIZED CTE and a grouped subquery, which the planner does not
     * see through), so that it cannot estimate the tasks they match from the state column's
     * statistics. Running tasks are few and come and go; ANALYZE often samples none, and the
     * planner then took {@code state = 'running'} for one row, scanned the table for it and
     * joined each running task with every reported one: a combined batch of 1,000 results took
     * 300 ms in the drain cell (auto_explain: 1,400 running rows × 1,000 inputs). As join
     * conditions they leave only the key to find the rows: the primary key for a small batch,
     * a hash join for a large one on a small table.
     * Returns one row per completed task ('done', job id, task id), per newly ready task
     * ('ready', worker type) and per job that succeeded ('succeeded', job id).
     * Parameters: job ids (uuid[]), task ids (text[]), attempts (int[]), outputs (text[] of JSON).
     */
    static final String COMPLETE = """
            WITH input AS MATERIALIZED (
                SELECT i.*, 'running'::text AS expected
                FROM unnest(?::uuid[], ?::text[], ?::int[], ?::text[])
                     AS i(job_id, task_id, attempt, output)
            ), done AS (
                UPDATE tasks t
                SET state = 'done', output = i.output::jsonb, finished_at = now(),
                    lease_expires_at = NULL
                FROM input i
                WHERE t.job_id = i.job_id AND t.task_id = i.task_id AND t.attempt = i.attempt
                  AND t.state = i.expected
                RETURNING t.job_id, t.task_id, t.stream_id, t.started_at
            ), released AS (
                UPDATE tasks c
                SET waiting_on = c.waiting_on - e.n,
                    state = CASE WHEN c.waiting_on = e.n THEN 'ready' ELSE 'pending' END
                FROM (SELECT d.job_id, d.post_task_id, count(*)::int AS n, 'pending'::text AS expected
                      FROM done JOIN task_deps d
                           ON d.job_id = done.job_id AND d.pre_task_id = done.task_id
                      GROUP BY d.job_id, d.post_task_id) e
                WHERE c.job_id = e.job_id AND c.task_id = e.post_task_id AND c.state = e.expected
                RETURNING c.worker_type, c.state, c.stream_id, c.job_seq, c.seq
            ), finished AS (
                UPDATE jobs j
                SET remaining = j.remaining - x.n,
                    state = CASE WHEN j.remaining = x.n THEN 'succeeded' ELSE j.state END,
                    finished_at = CASE WHEN j.remaining = x.n THEN now() END,
                    started_at = LEAST(j.started_at, x.first_start)
                FROM (SELECT job_id, count(*)::int AS n, min(started_at) AS first_start
                      FROM done GROUP BY job_id) x
                WHERE j.id = x.job_id AND j.state = 'running'
                RETURNING j.id, j.state
            ), delta AS (
                SELECT stream_id, sum(n)::int AS n, min(k) AS readied
                FROM (SELECT stream_id, 1 AS n, NULL::bigint[] AS k FROM done
                      UNION ALL
                      SELECT stream_id, 0, ARRAY[job_seq, seq] FROM released WHERE state = 'ready') s
                GROUP BY stream_id
            ), current AS (
                SELECT d.stream_id, d.n, d.readied, cur.gen
                FROM delta d CROSS JOIN LATERAL (""" + generationOf("d.stream_id") + """
                ) cur
            ), stream_locks AS (""" + lockGenerationsOf("current") + """
            ), freed AS (
                UPDATE stream_counters sc
                SET running = sc.running - d.n,
                    claim_from = LEAST(sc.claim_from, d.readied),
                    readied_low = LEAST(sc.readied_low, d.readied),
                    updates = sc.updates + 1
                FROM current d
                WHERE """ + lockedGenerationOf("d") + """
                RETURNING sc.stream_id
            )
            SELECT 'done' AS kind, job_id::text AS a, task_id AS b FROM done
            WHERE taskdb_counted((SELECT count(*) FROM freed), (SELECT count(*) FROM current))
            UNION ALL
            SELECT 'ready', worker_type, NULL FROM released WHERE state = 'ready'
            UNION ALL
            SELECT 'succeeded', id::text, NULL FROM finished WHERE state = 'succeeded'
            """;

    /**
     * {@link #LOCK_JOBS} and {@link #COMPLETE} as one text, which the driver sends as two
     * statements and one Sync. Run in autocommit, they are one implicit transaction that commits
     * at the Sync: one round trip in all, and the job rows, locked from the first statement to the
     * commit, are held for no round trip that other completions of the same jobs would queue
     * behind (the soak's most frequent lock wait). The second statement still takes its own snapshot (READ COMMITTED takes one
     * per statement, pipelined or not), so it sees every completion that committed while the first
     * waited for the locks. Parameters: the distinct job ids, then {@link #COMPLETE}'s.
     */
    static final String LOCK_JOBS_THEN_COMPLETE = LOCK_JOBS.strip() + ";\n" + COMPLETE;

    /**
     * Where each task of a batch stands, to classify the completions {@link #COMPLETE} skipped:
     * a primary-key scan over ids x task ids; the caller keeps the pairs it asked about.
     */
    static final String TASK_FENCES = """
            SELECT job_id, task_id, state, attempt FROM tasks
            WHERE job_id = ANY (?::uuid[]) AND task_id = ANY (?::text[])
            """;

    /**
     * The failing attempt's row, locked, after {@link #LOCK_JOB}: the caller checks the fence and
     * decides between retry and failure (and, for the reaper, that the lease really expired).
     */
    static final String LOCK_TASK = """
            SELECT state, attempt, max_attempts, stream_id, worker_type,
                   lease_expires_at < now() AS lease_expired, job_seq, seq
            FROM tasks WHERE job_id = ? AND task_id = ? FOR NO KEY UPDATE
            """;

    /** A failed attempt with attempts left: ready again, not before the back-off has passed. */
    static final String REQUEUE_TASK = """
            UPDATE tasks
            SET state = 'ready', not_before = now() + make_interval(secs => ?), error = ?,
                lease_expires_at = NULL, worker_id = NULL
            WHERE job_id = ? AND task_id = ?
            """;

    /** The last attempt failed: the task fails for good (its job is ended next). */
    static final String FAIL_TASK = """
            UPDATE tasks
            SET state = 'failed', error = ?, finished_at = now(), lease_expires_at = NULL
            WHERE job_id = ? AND task_id = ?
            """;

    /**
     * A requeued task's running slot goes back to its stream (the only counter row the
     * transaction touches), and the task is ready again with its old key, which claim_from and
     * readied_low come down to; returns one row, the generation check. Parameters: job_seq, seq
     * (the key), stream id.
     */
    static final String RELEASE_REQUEUED_SLOT = """
            WITH readied AS (
                SELECT ARRAY[?::bigint, ?::bigint] AS k, r.stream_id, cur.gen
                FROM (SELECT ?::bigint AS stream_id) r
                CROSS JOIN LATERAL (""" + generationOf("r.stream_id") + """
                ) cur
            ), released AS (
                UPDATE stream_counters sc
                SET running = sc.running - 1,
                    claim_from = LEAST(sc.claim_from, r.k), readied_low = LEAST(sc.readied_low, r.k),
                    updates = sc.updates + 1
                FROM readied r
                WHERE sc.stream_id = r.stream_id AND sc.gen = r.gen AND NOT sc.retired
                RETURNING sc.stream_id
            )
            SELECT taskdb_counted((SELECT count(*) FROM released), 1)
            """;

    /**
     * Ends a running job (failed, aborted, timed_out) and cancels all its unfinished tasks, after
     * {@link #LOCK_JOB}. Running tasks are cancelled too: their stream slots are freed now, and
     * their workers learn it from their next heartbeat (and their results are refused).
     * {@code victims} locks the rows and reads their state before the update (the lock waits
     * for a concurrent claim and re-reads the row), so exactly the tasks that were running give
     * back a stream slot, plus the failing task's own stream if given (so that all stream rows
     * are locked in one statement, in id order). Parameters: state, error, job id (three times), the failed
     * task's stream id or null. Victims and update both go through the primary key's job_id
     * prefix (the job id is repeated on the updated side so that the planner never hashes the
     * whole table). Not by ctid: a row a concurrent claim changed is locked in its new version,
     * which this statement's snapshot cannot see, so an update by ctid would skip it.
     */
    static final String END_JOB = """
            WITH ended AS (
                UPDATE jobs SET state = ?, error = ?, finished_at = now()
                WHERE id = ? AND state = 'running'
                RETURNING id
            ), victims AS (
                SELECT t.task_id, t.state AS was, t.stream_id
                FROM tasks t
                WHERE t.job_id = ? AND t.state IN ('pending', 'ready', 'running')
                  AND EXISTS (SELECT FROM ended)
                FOR NO KEY UPDATE OF t
            ), cancelled AS (
                UPDATE tasks t
                SET state = 'cancelled', finished_at = now(), lease_expires_at = NULL
                FROM victims v
                WHERE t.job_id = ? AND t.task_id = v.task_id
                RETURNING v.was, v.stream_id
            ), delta AS (
                SELECT stream_id, count(*)::int AS n
                FROM (SELECT stream_id FROM cancelled WHERE was = 'running'
                      UNION ALL
                      SELECT v FROM (VALUES (?::bigint)) AS failed(v) WHERE v IS NOT NULL) slots
                GROUP BY stream_id
            ), current AS (
                SELECT d.stream_id, d.n, cur.gen
                FROM delta d CROSS JOIN LATERAL (""" + generationOf("d.stream_id") + """
                ) cur
            ), stream_locks AS (""" + lockGenerationsOf("current") + """
            ), freed AS (
                UPDATE stream_counters sc SET running = sc.running - d.n, updates = sc.updates + 1
                FROM current d
                WHERE """ + lockedGenerationOf("d") + """
                RETURNING sc.stream_id
            )
            SELECT (SELECT count(*) FROM ended) AS ended, (SELECT count(*) FROM cancelled) AS cancelled,
                   taskdb_counted((SELECT count(*) FROM freed), (SELECT count(*) FROM current))
            """;

    /**
     * Running attempts whose lease has expired, oldest first, from a watermark on: through
     * tasks_running_by_lease (V4), only the range [watermark, now). Every completed task leaves a
     * dead entry in that index with its last lease; vacuum removes them, but not while a
     * transaction holds an old snapshot, and a pass reading the whole index would re-read every
     * one of them each second. The reaper keeps the watermark (see
     * {@code TaskDb.reapUnderLock}); null reads from the start. Each row is then failed through
     * the same fenced path as a worker's own failure report.
     * Parameters: watermark (timestamptz or null), n.
     */
    static final String EXPIRED_LEASES = """
            SELECT job_id, task_id, attempt, worker_id, timeout_seconds, lease_expires_at
            FROM tasks
            WHERE state = 'running' AND lease_expires_at < now()
              AND lease_expires_at >= coalesce(?::timestamptz, '-infinity')
            ORDER BY lease_expires_at
            LIMIT ?
            """;

    /**
     * Key of the transaction-level advisory lock that makes the lease reaper run on one server
     * instance at a time ("BENTOREP" in ASCII; no other advisory lock is used on this database).
     */
    static final long REAPER_LOCK_KEY = 0x42454E544F524550L;

    /**
     * Taken by a reaper pass in a transaction that stays open for the pass; false at once if the
     * reaper of another instance holds it. Released by the end of that transaction, so a reaper
     * whose connection dies cannot keep it. The lock saves work only: every requeue is fenced
     * on its own ({@link #LOCK_TASK}), so two reapers would still never requeue one attempt twice.
     * Also returns the guard transaction's now(), which precedes the whole pass (the reaper's
     * next watermark, see {@code TaskDb.reapUnderLock}).
     */
    static final String TRY_REAPER_LOCK = """
            SELECT pg_try_advisory_xact_lock(?), now()
            """;

    /**
     * Tells other server instances that tasks became ready: one NOTIFY per payload
     * ({@code type:tasks:origin}, see {@code ReadyNotice}). Inside a transaction the notices are
     * delivered at its commit and dropped by a rollback. Parameters: channel, payloads (text[]).
     */
    static final String NOTIFY_READY = """
            SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p
            """;

    /**
     * Subscribes the listener's session to other instances' notices ({@link #NOTIFY_READY}); it
     * lasts as long as the session, which is why the listener has a connection of its own.
     */
    static final String LISTEN_READY = "LISTEN " + ReadyNotice.CHANNEL;

    /** Names the listener's session in pg_stat_activity (whatever DataSource opened it). */
    static final String NAME_LISTENER_SESSION = "SET application_name = 'bento-ready-listener'";

    /**
     * The listener's liveness probe after a quiet spell: a connection that died silently (no
     * RST from a vanished host) fails here instead of waiting for notices forever.
     */
    static final String PROBE = "SELECT 1";

    /**
     * One batch of retention: up to n jobs that ended more than the given seconds ago and still
     * have task rows lose them (tasks and edges), oldest first; the job rows stay, so their
     * status, error and stats still answer. Through the partial index jobs_awaiting_prune, so a
     * pass never rereads jobs already pruned. SKIP LOCKED: two instances pruning at once split
     * the work, and a job row another transaction holds waits for the next pass. A job that has
     * no stats keeps its first task's output as its stats (the executor's statistics of a
     * session are its init task's output). The edges are deleted by job id, in their primary
     * key's order; the foreign keys' cascades from the deleted tasks are then one index probe
     * each (task_deps' primary key and task_deps_by_post) and find nothing left. Returns the
     * number of jobs and of task rows pruned. Parameters: seconds, n.
     */
    static final String PRUNE_FINISHED_JOBS = """
            WITH old AS (
                SELECT id FROM jobs
                WHERE state <> 'running' AND pruned_at IS NULL
                  AND finished_at < now() - make_interval(secs => ?)
                ORDER BY finished_at
                LIMIT ?
                FOR NO KEY UPDATE SKIP LOCKED
            ), kept AS (
                UPDATE jobs j
                SET pruned_at = now(),
                    stats = coalesce(j.stats, (SELECT t.output FROM tasks t WHERE t.job_id = j.id
                                               ORDER BY t.seq LIMIT 1))
                FROM old WHERE j.id = old.id
                RETURNING j.id
            ), edges AS (
                DELETE FROM task_deps d USING old WHERE d.job_id = old.id
            ), gone AS (
                DELETE FROM tasks t USING old WHERE t.job_id = old.id
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM kept) AS jobs, (SELECT count(*) FROM gone) AS tasks
            """;

    /** The job row for the status API; started_at falls back to its tasks while none completed. */
    static final String JOB_STATUS = """
            SELECT j.user_id, j.state, j.error, j.progress, j.stats::text AS stats, j.created_at,
                   coalesce(j.started_at,
                            (SELECT min(t.started_at) FROM tasks t WHERE t.job_id = j.id)) AS started_at,
                   j.finished_at,
                   extract(epoch FROM coalesce(j.finished_at, now()) - j.created_at)::float8 AS elapsed,
                   j.remaining
            FROM jobs j WHERE j.id = ?
            """;

    /** Task counts of one job per worker type and state (status pages only; not on a hot path). */
    static final String JOB_TASK_COUNTS = """
            SELECT worker_type, state, count(*)::int AS n FROM tasks WHERE job_id = ?
            GROUP BY worker_type, state
            """;

    static final String SET_PROGRESS = """
            UPDATE jobs SET progress = ? WHERE id = ?
            """;

    static final String SET_STATS = """
            UPDATE jobs SET stats = ?::jsonb WHERE id = ?
            """;

    /** One task's output, for the status API (e.g. the executor's statistics). */
    static final String TASK_OUTPUT = """
            SELECT output::text FROM tasks WHERE job_id = ? AND task_id = ?
            """;

    /** Every task of a job in creation order (tests, diagnosis). */
    static final String TASKS_OF = """
            SELECT job_id, task_id, worker_type, state, waiting_on, attempt, max_attempts,
                   timeout_seconds, worker_id, payload::text AS payload, output::text AS output,
                   error, not_before, lease_expires_at, created_at, started_at, finished_at
            FROM tasks WHERE job_id = ? ORDER BY seq
            """;

    /**
     * Ready tasks per worker type (a metrics gauge), through the ready-rows index from each
     * stream's claim_from (below it the index holds only entries of tasks no longer ready).
     */
    static final String READY_COUNTS = """
            SELECT s.worker_type, count(*)::bigint AS n
            FROM stream_counts s
            JOIN tasks t ON t.stream_id = s.id AND t.state = 'ready'
                        AND (t.job_seq, t.seq) >= (s.claim_from[1], s.claim_from[2])
            GROUP BY s.worker_type
            """;
}
