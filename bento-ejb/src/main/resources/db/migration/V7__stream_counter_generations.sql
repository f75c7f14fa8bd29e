-- The streams' hot counters (running, claim_from, readied_low, claim_from_version) move out of
-- the stream rows into generations: rows of stream_counters, (stream, gen), of which the
-- highest gen is the current one.
--
-- Why: every claim, completion and task creation rewrote its stream's row. While a transaction
-- holds an old snapshot, none of those versions can be pruned, and every read or update of the
-- row walks all of them (through each index entry, then the page's chain of versions): about
-- 1 ms per 90,000 versions here. In the 10-minute soak (13k tasks/s, a snapshot held for the
-- second half) the stream rows reached 85,000-94,000 dead versions; sampled late in the held
-- half, the claim was on CPU 2.2 times and the little LOWER_CLAIM_FROM 10 times as often as in
-- the clean half, and throughput fell to 65-72 % of the clean half (0.93 with generations).
--
-- A generation takes at most taskdb_generation_updates() updates: the claim
-- (V8__claim_function.sql) that makes the last one marks it retired and, in the same statement, inserts the next generation with the
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
