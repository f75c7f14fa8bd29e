-- The claim (TaskSql.CLAIM calls it) as a function, so that it is planned once per connection
-- instead of at every execution.
--
-- Why: a claim spent about 1 ms planning and 0.2 ms executing (psql, the statement's EXPLAIN
-- ANALYZE), and an idle worker's wake-up is one claim: ready -> claimed waited for a plan.
-- The pools plan every statement at every execution (TaskDb.PLAN_CACHE_MODE): generic plans
-- made while the tables were nearly empty chose whole-table scans later (a completion's
-- generic plan read all of tasks_running_by_lease for its batch, 28 ms under a held snapshot).
-- The claim alone gets a generic plan, under two settings that apply only inside this function:
--   plan_cache_mode = force_generic_plan: planned at the first call on each connection, and
--     again whenever the tables' statistics change (an ANALYZE invalidates cached plans);
--   enable_seqscan = off: whatever the statistics said when it was planned, every table is
--     reached through an index (the ready queue's partial index, streams by worker type, the
--     picked rows by ctid). With the default, the generic plan of the update by ctid was a
--     sequential scan of tasks.
-- Measured (./bench/run taskdb --cells wake --quick, 2 cores): wake-up p50 1.40 -> 0.67 ms,
-- p99 4.46 -> 2.72 ms.
--
-- What the statement does, step by step:
--  1. candidates: for each stream of the requested types, its current counter generation
--     (V7__stream_counter_generations.sql) and the head of its ready queue (at most claim_max
--     rows of the partial index, not yet locked): how many tasks it could give and how old its
--     oldest job is. Streams without claimable work drop out.
--  2. slots / quota: water-filling. The k-th task a stream would give in this claim is ranked
--     by the stream's running count after k more: first the slots still inside a reservation
--     (tier 0, by fraction of the reservation used), then the rest by
--     (running - reserved) / multiplier; ties go to the stream with the older job. The best
--     claim_max slots say how many tasks each stream gives, so one batch claim is as fair as
--     claim_max single claims.
--  3. picked: lock exactly that many ready tasks per stream, oldest job then task order, FOR NO
--     KEY UPDATE SKIP LOCKED: concurrent claimers never wait on each other and never get the
--     same row (a row another claim holds is skipped; one it has just claimed fails the
--     re-check of state = 'ready').
--  4. claimed: running, attempt + 1 (the fencing token), lease = now + timeout. The rows are
--     addressed by the ctid of the version locked above (a TID scan; a join on the key let the
--     planner hash the whole table). A row that another transaction changed after this
--     statement's snapshot would be locked in a version the snapshot cannot see and then left
--     alone here; but a ready row can only change by being claimed or cancelled, which fails
--     the re-check above. Either way the counters follow claimed, so they stay exact.
--  5. next_from: where the stream's next claim starts reading (V4__claim_from.sql): the first
--     task of this statement's snapshot that is ready (in back-off or not) and was not taken
--     here; past the last one taken if none is. Both scans above start there too, so a claim
--     never re-reads the dead entries its predecessors left, even when a long transaction
--     keeps vacuum from removing them.
--  6. counted: the streams' running counters, exact, in the same transaction, in the
--     generation the snapshot read; counter rows are locked in stream order first
--     (stream_locks), as in every statement that changes several streams, so that two of them
--     can never deadlock on each other. Task rows are all taken before (the GROUP BY in delta
--     consumes claimed first). claim_from becomes next_from, or the least key made ready since
--     the snapshot (readied_low, read from the row's latest version) if that is lower; unless
--     another instance's claim moved it since this statement's snapshot
--     (V5__claim_from_version.sql): then it stays where that claim put it. If a rotation retired
--     the generation meanwhile, taskdb_counted() makes the statement fail and TaskDb runs it
--     again.
--  7. next_generation / old_generations: the update that is the generation's last retires it
--     and starts the next one with the same counters; older generations are deleted.
-- The decision reads the running counters of the statement's snapshot; one claim statement in
-- flight per instance (TaskDb.claim) makes every claim of an instance see the one before it.
-- (Locking the stream rows first, to decide on their latest versions, made completions wait for
-- claims: the drain lost about a third in a quick A/B on a loaded machine, and the 2:1 shares did
-- not improve.)
--
-- A later change to the claim is a new migration that replaces this function.
CREATE FUNCTION taskdb_claim(claim_max int, claim_types text[], claim_worker text)
RETURNS TABLE (job_id uuid, task_id text, attempt int, worker_type text, payload text,
               lease_expires_at timestamptz, timeout_seconds int, max_attempts int)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH candidates AS (
        SELECT st.id AS stream_id, cc.gen, cc.running, st.reserved, st.multiplier,
               cc.claim_from, cc.claim_from_version, head.oldest_job_seq, head.available
        FROM streams st
        CROSS JOIN LATERAL (
            SELECT sc.gen, sc.running, sc.claim_from, sc.claim_from_version
            FROM stream_counters sc WHERE sc.stream_id = st.id
            ORDER BY sc.gen DESC LIMIT 1
        ) cc
        CROSS JOIN LATERAL (
            SELECT min(r.job_seq) AS oldest_job_seq, count(*)::int AS available
            FROM (SELECT t.job_seq FROM tasks t
                  WHERE t.stream_id = st.id AND t.state = 'ready' AND t.not_before <= now()
                    AND (t.job_seq, t.seq) >= (cc.claim_from[1], cc.claim_from[2])
                  ORDER BY t.job_seq, t.seq
                  LIMIT claim_max) r
        ) head
        WHERE st.worker_type = ANY (claim_types) AND head.available > 0
    ), slots AS (
        SELECT c.stream_id, c.oldest_job_seq,
               CASE WHEN c.running + k < c.reserved THEN 0 ELSE 1 END AS tier,
               CASE WHEN c.running + k < c.reserved
                    THEN (c.running + k)::float8 / c.reserved
                    ELSE (c.running + k - c.reserved) / c.multiplier END AS share
        FROM candidates c CROSS JOIN LATERAL generate_series(0, c.available - 1) AS k
    ), quota AS (
        SELECT best.stream_id, count(*)::int AS n
        FROM (SELECT s.stream_id FROM slots s
              ORDER BY s.tier, s.share, s.oldest_job_seq, s.stream_id
              LIMIT claim_max) best
        GROUP BY best.stream_id
    ), picked AS (
        SELECT p.ctid AS row_id
        FROM quota q
        JOIN candidates c ON c.stream_id = q.stream_id
        CROSS JOIN LATERAL (
            SELECT t.ctid FROM tasks t
            WHERE t.stream_id = q.stream_id AND t.state = 'ready' AND t.not_before <= now()
              AND (t.job_seq, t.seq) >= (c.claim_from[1], c.claim_from[2])
            ORDER BY t.job_seq, t.seq
            LIMIT q.n
            FOR NO KEY UPDATE SKIP LOCKED
        ) p
    ), claimed AS (
        UPDATE tasks t
        SET state = 'running', attempt = t.attempt + 1, worker_id = claim_worker, started_at = now(),
            lease_expires_at = now() + make_interval(secs => t.timeout_seconds)
        WHERE t.ctid = ANY (ARRAY(SELECT row_id FROM picked))
        RETURNING t.job_id, t.task_id, t.attempt, t.worker_type, t.payload::text AS payload,
                  t.lease_expires_at, t.timeout_seconds, t.max_attempts, t.stream_id,
                  t.job_seq, t.seq
    ), delta AS (
        SELECT stream_id, count(*)::int AS n, max(ARRAY[job_seq, seq]) AS last_taken
        FROM claimed GROUP BY stream_id
    ), next_from AS (
        SELECT d.stream_id,
               CASE WHEN nx.seq IS NULL THEN d.last_taken ELSE ARRAY[nx.job_seq, nx.seq] END AS k
        FROM delta d
        JOIN candidates c ON c.stream_id = d.stream_id
        LEFT JOIN LATERAL (
            SELECT t.job_seq, t.seq FROM tasks t
            WHERE t.stream_id = d.stream_id AND t.state = 'ready'
              AND (t.job_seq, t.seq) >= (c.claim_from[1], c.claim_from[2])
              AND t.seq NOT IN (SELECT k.seq FROM claimed k)
            ORDER BY t.job_seq, t.seq
            LIMIT 1
        ) nx ON true
    ), stream_locks AS (
        SELECT sc.stream_id FROM stream_counters sc
        JOIN candidates c ON c.stream_id = sc.stream_id AND c.gen = sc.gen
        JOIN delta d ON d.stream_id = sc.stream_id
        WHERE NOT sc.retired
        ORDER BY sc.stream_id FOR NO KEY UPDATE OF sc
    ), counted AS (
        UPDATE stream_counters sc
        SET running = sc.running + d.n,
            claim_from = CASE WHEN sc.claim_from_version = c.claim_from_version
                              THEN LEAST(nf.k, sc.readied_low) ELSE sc.claim_from END,
            readied_low = CASE WHEN sc.claim_from_version = c.claim_from_version
                               THEN NULL ELSE sc.readied_low END,
            claim_from_version = sc.claim_from_version
                + (sc.claim_from_version = c.claim_from_version)::int,
            updates = sc.updates + 1,
            retired = sc.updates + 1 >= taskdb_generation_updates()
        FROM delta d
        JOIN next_from nf ON nf.stream_id = d.stream_id
        JOIN candidates c ON c.stream_id = d.stream_id
        WHERE sc.stream_id = d.stream_id AND sc.gen = c.gen AND NOT sc.retired
          AND sc.stream_id = ANY (ARRAY(SELECT stream_id FROM stream_locks))
        RETURNING sc.stream_id, sc.gen, sc.running, sc.claim_from, sc.readied_low,
                  sc.claim_from_version, sc.retired
    ), next_generation AS (
        INSERT INTO stream_counters (stream_id, gen, running, claim_from, readied_low,
                                     claim_from_version)
        SELECT stream_id, gen + 1, running, claim_from, readied_low, claim_from_version
        FROM counted WHERE retired
    ), old_generations AS (
        DELETE FROM stream_counters sc
        USING counted k
        WHERE k.retired AND sc.stream_id = k.stream_id AND sc.gen < k.gen
    )
    SELECT job_id, task_id, attempt, worker_type, payload, lease_expires_at, timeout_seconds,
           max_attempts
    FROM claimed
    WHERE taskdb_counted((SELECT count(*) FROM counted), (SELECT count(*) FROM delta))
    ORDER BY job_seq, seq;
END
$$;
