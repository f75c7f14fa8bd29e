-- V8's claim with two changes; V8__claim_function.sql explains the statement step by step.
--
-- 1. No JIT compilation (SET jit = off). JIT, on by default since PostgreSQL 12 where the server
--    has LLVM, compiles a statement whose estimated cost passes jit_above_cost (100,000), and
--    inlines and optimises it above 500,000. The estimate is not the work: the claim reads at
--    most claim_max ready tasks from claim_from, but the generic plan prices each scan of
--    tasks_ready_claim_order at the whole backlog. With 7.7 million tasks queued (a soak whose
--    offered load outran the workers) a claim of 100 took 957 ms, 886 ms of it compiling
--    (161 functions), against 4 ms with JIT off; compilation is redone at every execution, so the
--    cached plan does not help. In that soak (./bench/run taskdb, 2 cores) the clean ten minutes
--    fell from 10,400 to 2,600 tasks/s as the queue grew; with JIT off the next run's clean ten
--    minutes kept up with 10,700 tasks/s offered, its queue at most 835 tasks at the minute marks.
--    TaskDb.CONNECTION_OPTIONS turns JIT off for the scheduler's other statements too; this
--    setting keeps the claim safe on a connection without those options.
-- 2. The counter update finds its row by stream and generation. With the stream alone the plan
--    was a bitmap scan of stream_counters_pkey over every generation's versions not yet vacuumed:
--    2,456 index entries and 2,397 heap pages (2 ms) for one row in the same soak. Generations
--    exist so that the hot counters are reached without walking old versions
--    (V7__stream_counter_generations.sql). With gen = ANY (...) beside stream_id = ANY (...), any
--    scan of the index, bitmap or not, has both keys and reads only the current generation's
--    entries. (In a scratch database with 2,500 generations both forms were planned as an index
--    scan on both columns, 3 buffers; the bitmap plan came with the soak's statistics, which I
--    did not reproduce, so the change is a bound by construction, not a measured speed-up.)

CREATE OR REPLACE FUNCTION taskdb_claim(claim_max int, claim_types text[], claim_worker text)
RETURNS TABLE (job_id uuid, task_id text, attempt int, worker_type text, payload text,
               lease_expires_at timestamptz, timeout_seconds int, max_attempts int)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET jit = off
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
        SELECT sc.stream_id, sc.gen FROM stream_counters sc
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
          AND sc.gen = ANY (ARRAY(SELECT gen FROM stream_locks))
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
