-- A generation of stream counters now takes 100 updates, not 1,000
-- (V7__stream_counter_generations.sql explains generations).
--
-- Why: while a snapshot is held, no version of the current generation's row can be pruned, and
-- once its page is full the updates stop being HOT, so each version gets an index entry of its
-- own. A statement that reads or updates the counters then visits the generation's versions one
-- by one until it finds the one it may see. V7 priced that walk at about 0.01 ms per 1,000
-- versions; the held half of this session's soak (./bench/run taskdb, 2 cores, 16k tasks/s
-- offered, one stream) showed far more. A claim of 100 run by hand with auto_explain near the
-- end of a generation took 5.9 ms, of which 4.0 ms was the counter update's index scan of
-- stream_counters_pkey: 1,268 buffers for one row. Claims, completions and task creation all
-- update that row, so the stream's whole throughput queued behind those walks.
--
-- A tenth of the versions bounds that walk to a tenth. The price is ten times as many rotations:
-- each inserts one row and deletes the retired ones, and a statement that read the retired
-- generation is retried once (taskdb_counted). At 16k tasks/s in claims and completions of 100
-- that is a few rotations a second. Without a held snapshot, pruning keeps the versions few
-- either way.
--
-- The claim function inlines this IMMUTABLE function into its plan, which each connection makes
-- once: connections opened before this migration keep the old bound until they close.

CREATE OR REPLACE FUNCTION taskdb_generation_updates() RETURNS integer LANGUAGE sql IMMUTABLE
AS 'SELECT 100';
