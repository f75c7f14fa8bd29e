-- The claim, taskdb_claim: V8__claim_function.sql made it and explains it step by step; V9 turned
-- JIT off for it. From here on it lives in this repeatable migration, which Flyway runs again
-- after the versioned ones whenever its text changes: change the function here, in place,
-- instead of copying all of it into a new versioned file (V8 and V9 stay as they ran).
--
-- Changed here from V9: the counter update reaches its row by ctid, not by key.
--
-- Why: the update's plan chose a bitmap scan of stream_counters_pkey with stream_id alone as its
-- index condition, and checked gen only on each heap row it fetched. V9 had given it
-- gen = ANY (...) beside stream_id = ANY (...) so that any scan would have both keys; in the
-- generic plan the function uses, the planner still kept gen out of the index condition (the
-- table had never been analyzed: autovacuum is off on this machine's PostgreSQL, so its row
-- estimates were the defaults). So every claim read every index entry of its stream that vacuum
-- had not removed, over all generations, and a heap page for each. In the soak's held half
-- (./bench/run taskdb --cells soak, 2 cores, 15,500 tasks/s offered; auto_explain on 5 % of the
-- claims over 5 ms) that scan read 400 entries 30 s into the held half and 1,671 entries on
-- 1,594 heap pages 3.5 minutes in: 4.7 ms of a 6.9-ms claim. Claims run one at a time per
-- server, so throughput fell with it: 13,200 tasks/s in the held half's third minute, and
-- 149,000 tasks queued. With this function, at the same load: the claim's mean 0.5 ms and
-- about 200 buffers throughout, held 15,500 tasks/s, 106 queued at the end (8-minute soak, 4
-- minutes held); in the full 20-minute soak at 16,800 tasks/s, held = clean (ratio 1.00).
--
-- How: candidates reads, with the current generation, the ctid of the version its snapshot
-- sees; stream_locks returns the ctid of the version it locked, the newest (the same one unless
-- a completion or another claim updated the row in between). The update's TID list holds both.
-- The TID scan reads the visible version; if it was updated since, the update follows it to the
-- newest version, which this claim holds locked, and re-checks its conditions there
-- (EvalPlanQual), including that the ctid is in the list. That is why the locked one must be
-- in it. NOT retired is re-checked on that version, and taskdb_counted still fails the statement
-- if a rotation got in between. The stream and generation are matched in a form no index can
-- serve (IS NOT DISTINCT FROM), so the ctids are the planner's only way to the row, whatever its
-- statistics (PlanSettingsTest checks the plan).

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
        SELECT st.id AS stream_id, cc.gen, cc.counter_row, cc.running, st.reserved,
               st.multiplier, cc.claim_from, cc.claim_from_version, head.oldest_job_seq,
               head.available
        FROM streams st
        CROSS JOIN LATERAL (
            SELECT sc.gen, sc.ctid AS counter_row, sc.running, sc.claim_from, sc.claim_from_version
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
        SELECT sc.ctid AS counter_row FROM stream_counters sc
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
        WHERE sc.ctid = ANY (ARRAY(SELECT c2.counter_row FROM candidates c2
                                   JOIN delta d2 ON d2.stream_id = c2.stream_id
                                   UNION ALL
                                   SELECT l.counter_row FROM stream_locks l))
          -- matched to its stream's delta in a form no index serves, so that the planner has
          -- the ctids as the only way to the row, whatever its statistics
          AND (sc.stream_id, sc.gen) IS NOT DISTINCT FROM (d.stream_id, c.gen) AND NOT sc.retired
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
