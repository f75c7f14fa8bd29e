-- The streams' hot counters (running, claim_from, readied_low, claim_from_version) move out of
-- the stream rows into generations: rows of stream_counters, (stream, gen), of which the
-- highest gen is the current one.
--
-- Why: every claim, completion and task creation rewrote its stream's row. While a transaction
-- holds an old snapshot, none of those versions can be pruned, and every read or update of the
-- row walks all of them (through each index entry, then the page's chain of versions): about
-- 1 ms per 90,000 versions here. In the 10-minute soak (13k tasks/s, a snapshot held for the
-- second half) the stream rows reached 85,000 dead versions, the claims and the little
-- LOWER_CLAIM_FROM spent most of the database's CPU time on those walks, and throughput fell
-- to 65-72 % of the clean half.
--
-- A generation takes at most taskdb_generation_updates() updates: the claim that makes the
-- last one marks it retired and, in the same statement, inserts the next generation with the
-- same counters (and deletes older retired ones). Readers find the current generation with a
-- backward scan of the primary key (ORDER BY gen DESC LIMIT 1), which reaches only the newest
-- generation's versions; the older ones, dead or not, lie behind it. So a walk is bounded by
-- one generation's updates, however long a snapshot is held.
--
-- Exactness: every statement that changes counters reads the current generation in its
-- snapshot and updates that row only if it is not retired (re-checked on the latest version
-- after waiting for its lock). If a rotation committed in between, the update matches nothing;
-- taskdb_counted() then raises a serialization failure, the transaction is rolled back whole
-- and TaskDb runs it again with a new snapshot, which sees the new generation. A rotation
-- copies the counters of the locked latest version, so no update is lost either way.

CREATE TABLE stream_counters (
    stream_id          bigint   NOT NULL REFERENCES streams (id),
    gen                bigint   NOT NULL,
    running            integer  NOT NULL DEFAULT 0,
    claim_from         bigint[] NOT NULL DEFAULT '{0,0}',
    readied_low        bigint[],
    claim_from_version bigint   NOT NULL DEFAULT 0,
    -- Updates of this generation so far; the claim that reaches the limit retires it.
    updates            integer  NOT NULL DEFAULT 0,
    retired            boolean  NOT NULL DEFAULT false,
    PRIMARY KEY (stream_id, gen)
)
-- As V1 had it for streams: room on each page for the updates to stay HOT.
WITH (fillfactor = 50);

INSERT INTO stream_counters (stream_id, gen, running, claim_from, readied_low, claim_from_version)
SELECT id, 0, running, claim_from, readied_low, claim_from_version FROM streams;

ALTER TABLE streams DROP COLUMN running, DROP COLUMN claim_from, DROP COLUMN readied_low,
                    DROP COLUMN claim_from_version;

-- Every new stream starts with generation 0 (streams are created by several statements, some
-- with ON CONFLICT DO NOTHING; the trigger covers them all).
CREATE FUNCTION taskdb_first_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stream_counters (stream_id, gen) VALUES (NEW.id, 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER streams_first_generation AFTER INSERT ON streams
FOR EACH ROW EXECUTE FUNCTION taskdb_first_generation();

-- Updates a generation takes before the claim that reaches it starts the next one: bounds the
-- versions a walk reads (about 0.01 ms per 1,000) and costs one retry, now and then, of a
-- statement that read the generation just retired.
CREATE FUNCTION taskdb_generation_updates() RETURNS integer LANGUAGE sql IMMUTABLE
AS 'SELECT 1000';

-- Raises a serialization failure (TaskDb retries the transaction) when a statement updated
-- fewer current generations than it meant to: one was retired after its snapshot.
CREATE FUNCTION taskdb_counted(updated bigint, expected bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF updated <> expected THEN
        RAISE EXCEPTION 'stream counters moved to a new generation during the statement'
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN true;
END
$$;

-- The streams with their current counters, for reading (admin, metrics, tests).
CREATE VIEW stream_counts AS
SELECT st.id, st.user_id, st.worker_type, st.reserved, st.multiplier, cc.gen, cc.running,
       cc.claim_from, cc.readied_low, cc.claim_from_version
FROM streams st
CROSS JOIN LATERAL (
    SELECT sc.gen, sc.running, sc.claim_from, sc.readied_low, sc.claim_from_version
    FROM stream_counters sc WHERE sc.stream_id = st.id
    ORDER BY sc.gen DESC LIMIT 1
) cc;

-- The claim of V7 on generations (the steps are V7's; candidates read the current generation,
-- counted updates it and, at the limit, starts the next one).
CREATE OR REPLACE FUNCTION taskdb_claim(claim_max int, claim_types text[], claim_worker text)
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
