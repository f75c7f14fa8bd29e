package dev.bentoj.bench;

import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.entity.Completion;
import dev.bentoj.taskdb.entity.CompletionOutcome;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./bench/run taskdb [--cells drain,wake,dag,fair,lease,soak] [--jobs N] [--quick]}: the
 * TaskDB cells of {@code spec/benchmarks.md}, our scheduler driven in-process (service layer, no
 * HTTP) against db-scheduler ({@link DbSchedulerAnchor}) on the same PostgreSQL database and
 * connection pool ({@link BenchDatabase}), interleaved A B B A, medians where a cell compares
 * the two. Every task is a no-op unless the cell gives it a duration; every run starts from empty
 * tables. The last line is JSON: one object per cell.
 * <ul>
 * <li>drain: N independent tasks, M workers; ours claim up to {@code --batch} per statement and
 * complete them in one fenced {@code completeAll}.</li>
 * <li>wake: 4 idle workers, a task every 50 ms; commit of its creation -> claimed.</li>
 * <li>dag: 100 jobs of 130 tasks at once, 16 workers: tasks/s, makespan, parent done -> child
 * claimed; then jobs one at a time on idle workers.</li>
 * <li>fair: a reserved user against a flood, then 2:1 multipliers (ours; db-scheduler's FIFO for
 * reference).</li>
 * <li>lease: a worker process dies mid-run; reclaim time, losses, duplicates, its late results.</li>
 * <li>soak: 70 % of capacity, clean and then while another session holds a transaction open; by
 * default 10 minutes each, the spec's 10 minutes held against a clean run as long.</li>
 * </ul>
 */
final class TaskDbBench {
    private TaskDbBench() {
    }

    static final List<String> CELLS = List.of("drain", "wake", "wake-http", "dag", "fair", "lease", "soak");
    private static final Set<WorkerType> PROVE = EnumSet.of(WorkerType.PROVE);
    private static final Set<WorkerType> AUX = EnumSet.of(WorkerType.AUX);
    /** Leases of no-op tasks: long enough never to expire outside the lease cell. */
    private static final int NOOP_TIMEOUT_SECONDS = 60;
    /** Independent tasks are created in jobs of this many (one createJob each). */
    private static final int TASKS_PER_JOB = 100;
    private static final int[] DRAIN_WORKERS = {1, 4, 16, 64};
    /** db-scheduler, HikariCP and Flyway log through java.util.logging: warnings only. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    record Options(Set<String> cells, int drainTasks, boolean quick, int rounds, int batch, int wakeSeconds,
            int soakSeconds, int drainLimitSeconds, int[] drainWorkers) {

        static Options parse(String[] args) {
            Set<String> cells = new LinkedHashSet<>(CELLS);
            Integer drainTasks = null;
            boolean quick = false;
            Integer rounds = null;
            int batch = 100;
            Integer wakeSeconds = null;
            Integer soakSeconds = null;
            Integer drainLimit = null;
            int[] drainWorkers = DRAIN_WORKERS;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--cells" -> {
                        cells = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                        for (String c : cells) {
                            if (!CELLS.contains(c)) {
                                throw new IllegalArgumentException("unknown cell " + c + " (cells: " + String.join(",", CELLS) + ")");
                            }
                        }
                    }
                    case "--jobs" -> drainTasks = Integer.parseInt(args[++i]);
                    case "--quick" -> quick = true;
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--batch" -> batch = Integer.parseInt(args[++i]);
                    case "--wake-seconds" -> wakeSeconds = Integer.parseInt(args[++i]);
                    case "--soak-seconds" -> soakSeconds = Integer.parseInt(args[++i]);
                    case "--drain-limit-seconds" -> drainLimit = Integer.parseInt(args[++i]);
                    case "--workers" -> drainWorkers = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --cells " + String.join(",", CELLS) + ", --jobs N (drain tasks),"
                            + " --quick, --rounds N, --batch N, --wake-seconds N, --soak-seconds N, --drain-limit-seconds N, --workers 1,4,16,64 (drain))");
                }
            }
            if (batch < 1 || batch > TaskDb.MAX_CLAIM) {
                throw new IllegalArgumentException("--batch takes 1 to " + TaskDb.MAX_CLAIM);
            }
            return new Options(cells, drainTasks != null ? drainTasks : quick ? 10_000 : 50_000, quick,
                    rounds != null ? rounds : quick ? 1 : 3, batch,
                    wakeSeconds != null ? wakeSeconds : quick ? 10 : 60,
                    soakSeconds != null ? soakSeconds : quick ? 30 : 1200,
                    drainLimit != null ? drainLimit : quick ? 3 : 10, drainWorkers);
        }
    }

    static Map<String, Object> run(String[] args) throws Exception {
        Options o = Options.parse(args);
        for (String name : List.of("com.github.kagkarlsson", "com.zaxxer.hikari", "org.flywaydb")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.WARNING);
            QUIETED.add(l);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "taskdb");
        out.put("db_scheduler", DbSchedulerAnchor.version());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("quick", o.quick());
        long started = System.nanoTime();
        try (BenchDatabase db = BenchDatabase.create()) {
            out.put("postgresql", db.serverVersion());
            out.put("pool_connections", BenchDatabase.POOL_SIZE);
            out.put("plan_cache_mode", BenchDatabase.PLAN_CACHE_MODE);
            System.out.println("taskdb: PostgreSQL " + db.serverVersion() + " (database " + BenchDatabase.NAME
                    + ", pool of " + BenchDatabase.POOL_SIZE + ", plan_cache_mode " + BenchDatabase.PLAN_CACHE_MODE
                    + "), db-scheduler " + DbSchedulerAnchor.version()
                    + ", " + Runtime.getRuntime().availableProcessors() + " CPUs; cells " + o.cells()
                    + (o.quick() ? " (quick)" : ""));
            DbSchedulerAnchor anchor = new DbSchedulerAnchor(db);
            for (String cell : o.cells()) {
                long t0 = System.nanoTime();
                Map<String, Object> result = switch (cell) {
                    case "drain" -> drain(db, anchor, o);
                    case "wake" -> wake(db, anchor, o);
                    case "wake-http" -> HttpWake.run(o.wakeSeconds());
                    case "dag" -> dag(db, anchor, o);
                    case "fair" -> fair(db, anchor, o);
                    case "lease" -> lease(db, anchor, o);
                    case "soak" -> soak(db, o);
                    default -> throw new IllegalStateException(cell);
                };
                result.put("cell_seconds", Math.round((System.nanoTime() - t0) / 1e9));
                out.put(cell, result);
                System.out.println("  " + cell + ": " + BenchMain.toJson(result));
            }
        }
        out.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // drain

    /**
     * One drain: tasks per second; tasks never run (lost: counted only when the run was not cut
     * at its time limit) and run more than once.
     */
    record DrainRun(double tasksPerS, int lost, int duplicates, boolean cut) {
        /** From each task's run count, {@code done} of them completed in {@code nanos}. */
        static DrainRun of(int n, long done, long nanos, AtomicIntegerArray runs) {
            int lost = 0;
            int duplicates = 0;
            for (int i = 0; i < n; i++) {
                lost += runs.get(i) == 0 ? 1 : 0;
                duplicates += runs.get(i) > 1 ? 1 : 0;
            }
            boolean cut = done < n;
            return new DrainRun(done * 1e9 / nanos, cut ? 0 : lost, duplicates, cut);
        }
    }

    private static Map<String, Object> drain(BenchDatabase db, DbSchedulerAnchor anchor, Options o) throws Exception {
        int n = o.drainTasks();
        System.out.println("drain: " + n + " no-op tasks, workers " + Arrays.toString(o.drainWorkers())
                + "; TaskDB: claims up to " + o.batch() + " per statement and completes them in one fenced call,"
                + " tasks created in jobs of " + TASKS_PER_JOB + "; db-scheduler: one thread per worker;"
                + " a run is cut after " + o.drainLimitSeconds() + " s (rate = tasks done / time); "
                + order(o.rounds()));
        drainTaskDb(db, 5_000, 4, o.batch(), o.drainLimitSeconds()); // warm-up: JIT, plans, pool
        anchor.drain(5_000, 4, o.drainLimitSeconds());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", n);
        out.put("batch", o.batch());
        out.put("limit_s", o.drainLimitSeconds());
        int lost = 0;
        int duplicates = 0;
        int dbsLost = 0;
        int dbsDuplicates = 0;
        int cut = 0;
        int dbsCut = 0;
        Map<Integer, double[]> medians = new LinkedHashMap<>();
        for (int m : o.drainWorkers()) {
            double[] ours = new double[o.rounds()];
            double[] theirs = new double[o.rounds()];
            for (int r = 0; r < o.rounds(); r++) {
                DrainRun a;
                DrainRun b;
                if (r % 2 == 0) {
                    a = drainTaskDb(db, n, m, o.batch(), o.drainLimitSeconds());
                    b = anchor.drain(n, m, o.drainLimitSeconds());
                } else {
                    b = anchor.drain(n, m, o.drainLimitSeconds());
                    a = drainTaskDb(db, n, m, o.batch(), o.drainLimitSeconds());
                }
                ours[r] = a.tasksPerS();
                theirs[r] = b.tasksPerS();
                lost += a.lost();
                duplicates += a.duplicates();
                dbsLost += b.lost();
                dbsDuplicates += b.duplicates();
                cut += a.cut() ? 1 : 0;
                dbsCut += b.cut() ? 1 : 0;
                System.out.printf("  M=%d round %d: TaskDB %.0f tasks/s%s, db-scheduler %.0f tasks/s%s%n",
                        m, r + 1, a.tasksPerS(), a.cut() ? " (cut)" : "", b.tasksPerS(), b.cut() ? " (cut)" : "");
            }
            medians.put(m, new double[] {ExecuteBench.median(ours), ExecuteBench.median(theirs)});
        }
        double[] at16 = medians.getOrDefault(16, new double[] {Double.NaN, Double.NaN});
        out.put("tasks_per_s", Math.round(at16[0]));
        out.put("db_scheduler_tasks_per_s", Math.round(at16[1]));
        out.put("ratio", round2(at16[0] / at16[1]));
        out.put("target_ratio", 3);
        out.put("target_tasks_per_s", 29_000);
        for (Map.Entry<Integer, double[]> e : medians.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tasks_per_s", Math.round(e.getValue()[0]));
            m.put("db_scheduler_tasks_per_s", Math.round(e.getValue()[1]));
            m.put("ratio", round2(e.getValue()[0] / e.getValue()[1]));
            out.put("workers_" + e.getKey(), m);
        }
        out.put("lost", lost);
        out.put("duplicates", duplicates);
        out.put("db_scheduler_lost", dbsLost);
        out.put("db_scheduler_duplicates", dbsDuplicates);
        out.put("runs_cut", cut);
        out.put("db_scheduler_runs_cut", dbsCut);
        return out;
    }

    /**
     * {@code n} independent tasks (created first, in jobs of {@link #TASKS_PER_JOB}, then ANALYZE
     * as for db-scheduler), drained by {@code workers} threads that each claim up to {@code batch}
     * tasks and complete them with one {@code completeAll} quoting every attempt. A worker stops
     * when a claim comes back empty (nothing is ready any more) or at the time limit. Timed from
     * the workers' start to the last one's stop.
     */
    static DrainRun drainTaskDb(BenchDatabase db, int n, int workers, int batch, double limitSeconds)
            throws Exception {
        db.reset();
        try (TaskDb taskDb = new TaskDb(db.dataSource())) {
            createIndependent(taskDb, "drain", n, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS);
            db.execute("ANALYZE");
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            AtomicInteger refused = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (limitSeconds * 1e9);
            Crew.start(workers, "drain", w -> {
                String worker = "drain-" + w;
                while (System.nanoTime() - deadline < 0) {
                    List<TaskClaim> claims = taskDb.claim(worker, PROVE, batch);
                    if (claims.isEmpty()) {
                        return;
                    }
                    List<Completion> results = new ArrayList<>(claims.size());
                    for (TaskClaim c : claims) {
                        runs.incrementAndGet(Integer.parseInt(c.taskId()));
                        results.add(new Completion(c.jobId(), c.taskId(), c.attempt(), null));
                    }
                    for (CompletionOutcome outcome : taskDb.completeAll(results)) {
                        if (outcome == CompletionOutcome.COMPLETED) {
                            done.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                }
            }).join();
            long t1 = System.nanoTime();
            if (refused.get() > 0) {
                throw new IllegalStateException(refused.get() + " completions refused in a drain without failures");
            }
            return DrainRun.of(n, done.get(), t1 - t0, runs);
        }
    }

    /** Task ids "0" … "n-1" of one type, no dependencies, in jobs of {@link #TASKS_PER_JOB}. */
    private static List<UUID> createIndependent(TaskDb taskDb, String user, int n, WorkerType type, int timeoutSeconds) {
        List<UUID> jobs = new ArrayList<>();
        for (int from = 0; from < n; from += TASKS_PER_JOB) {
            List<TaskSpec> specs = new ArrayList<>(TASKS_PER_JOB);
            for (int i = from; i < Math.min(n, from + TASKS_PER_JOB); i++) {
                specs.add(TaskSpec.of(String.valueOf(i), type, null, timeoutSeconds, 3));
            }
            jobs.add(taskDb.createJob(user, specs));
        }
        return jobs;
    }

    // ---------------------------------------------------------------------------------------
    // wake

    private static Map<String, Object> wake(BenchDatabase db, DbSchedulerAnchor anchor, Options o) throws Exception {
        int segments = o.quick() ? 2 : 4;
        double segment = (double) o.wakeSeconds() / segments;
        System.out.printf("wake: 4 idle workers, one task every 50 ms, %d s each in %d segments of %.1f s"
                + " (A B B A …); ready (commit of the task's creation) -> claimed (claim returned / handler"
                + " started); TaskDB waits in an in-process long-poll claim%n", o.wakeSeconds(), segments, segment);
        AtomicInteger duplicates = new AtomicInteger();
        wakeTaskDb(db, 1, new Latencies(), duplicates); // warm-up
        anchor.wake(1, 4, 50, new Latencies());
        Latencies ours = new Latencies();
        Latencies theirs = new Latencies();
        int lost = 0;
        int dbsLost = 0;
        for (int s = 0; s < segments; s++) {
            Latencies a = new Latencies();
            Latencies b = new Latencies();
            if (s % 2 == 0) {
                lost += wakeTaskDb(db, segment, a, duplicates);
                dbsLost += anchor.wake(segment, 4, 50, b);
            } else {
                dbsLost += anchor.wake(segment, 4, 50, b);
                lost += wakeTaskDb(db, segment, a, duplicates);
            }
            System.out.printf("  segment %d: TaskDB p50 %.2f / p99 %.2f ms, db-scheduler p50 %.2f / p99 %.2f ms%n",
                    s + 1, a.percentileMs(50), a.percentileMs(99), b.percentileMs(50), b.percentileMs(99));
            ours.addAll(a);
            theirs.addAll(b);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", o.wakeSeconds());
        out.put("tasks", ours.size());
        out.put("db_scheduler_tasks", theirs.size());
        out.putAll(ours.summary("claim_"));
        out.putAll(theirs.summary("db_scheduler_claim_"));
        out.put("target_p50_ms", 1);
        out.put("target_p99_ms", 5);
        out.put("lost", lost);
        out.put("duplicates", duplicates.get());
        out.put("db_scheduler_lost", dbsLost);
        return out;
    }

    /** One wake segment: returns how many tasks were not claimed within 2 s of the last one's creation. */
    private static int wakeTaskDb(BenchDatabase db, double seconds, Latencies out, AtomicInteger duplicates)
            throws Exception {
        db.reset();
        try (TaskDb taskDb = new TaskDb(db.timed())) {
            Map<UUID, Long> ready = new ConcurrentHashMap<>();
            Map<UUID, Long> claimed = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Crew workers = Crew.start(4, "wake", w -> {
                String worker = "wake-" + w;
                while (!stop.get()) {
                    List<TaskClaim> claims = taskDb.claim(worker, AUX, 1, Duration.ofMillis(500));
                    long t = System.nanoTime();
                    if (claims.isEmpty()) {
                        continue;
                    }
                    List<Completion> results = new ArrayList<>();
                    for (TaskClaim c : claims) {
                        if (claimed.putIfAbsent(c.jobId(), t) != null) {
                            duplicates.incrementAndGet();
                        }
                        results.add(new Completion(c.jobId(), c.taskId(), c.attempt(), null));
                    }
                    taskDb.completeAll(results);
                }
            });
            Thread.sleep(300); // the workers are waiting in their claims
            List<TaskSpec> one = List.of(TaskSpec.of("t", WorkerType.AUX, null, NOOP_TIMEOUT_SECONDS, 3));
            atFixedRate(seconds, 50, k -> {
                UUID job = taskDb.createJob("wake", one);
                ready.put(job, BenchDatabase.lastCommitNanos());
            });
            awaitCondition(() -> claimed.size() >= ready.size(), 2000);
            stop.set(true);
            workers.join();
            int lost = 0;
            for (Map.Entry<UUID, Long> e : ready.entrySet()) {
                Long c = claimed.get(e.getKey());
                if (c == null) {
                    lost++;
                } else {
                    out.add(Math.max(0, c - e.getValue()));
                }
            }
            return lost;
        }
    }

    // ---------------------------------------------------------------------------------------
    // dag

    /**
     * One job's DAG as Bento plans a 64-segment proof: init, 64 prove (after init), a binary
     * tree of 63 joins (level 1 joins two proves, level l two joins of level l-1), resolve (after
     * the root join), finalize (after resolve): 130 tasks.
     */
    static final class Dag {
        static final String INIT = "init";
        static final String FINALIZE = "finalize";
        private final List<String> ids = new ArrayList<>();
        private final Map<String, List<String>> parents = new HashMap<>();
        private final Map<String, List<String>> children = new HashMap<>();
        private final Map<String, WorkerType> types = new HashMap<>();
        private final List<TaskSpec> specs = new ArrayList<>();

        Dag(int segments) {
            add(INIT, WorkerType.EXEC, List.of());
            List<String> level = new ArrayList<>();
            for (int i = 0; i < segments; i++) {
                add("p" + i, WorkerType.PROVE, List.of(INIT));
                level.add("p" + i);
            }
            for (int l = 1; level.size() > 1; l++) {
                List<String> next = new ArrayList<>();
                for (int k = 0; k < level.size() / 2; k++) {
                    String join = "j" + l + "-" + k;
                    add(join, WorkerType.JOIN, List.of(level.get(2 * k), level.get(2 * k + 1)));
                    next.add(join);
                }
                level = next;
            }
            add("resolve", WorkerType.JOIN, List.of(level.get(0)));
            add(FINALIZE, WorkerType.AUX, List.of("resolve"));
        }

        private void add(String id, WorkerType type, List<String> deps) {
            ids.add(id);
            types.put(id, type);
            parents.put(id, deps);
            children.put(id, new ArrayList<>());
            deps.forEach(d -> children.get(d).add(id));
            specs.add(new TaskSpec(id, type, null, deps, NOOP_TIMEOUT_SECONDS, 3));
        }

        int size() {
            return ids.size();
        }

        List<String> taskIds() {
            return ids;
        }

        List<String> parents(String id) {
            return parents.get(id);
        }

        List<String> children(String id) {
            return children.get(id);
        }

        List<TaskSpec> specs() {
            return specs;
        }

        /** Every task but init, for db-scheduler's waiting table. */
        String[] waitingTaskIds() {
            return ids.stream().filter(id -> !parents.get(id).isEmpty()).toArray(String[]::new);
        }

        Integer[] waitingCounts() {
            return ids.stream().filter(id -> !parents.get(id).isEmpty()).map(id -> parents.get(id).size())
                    .toArray(Integer[]::new);
        }
    }

    record DagRun(double tasksPerS, Latencies makespan, Latencies release, int lost, int duplicates) {
    }

    private static Map<String, Object> dag(BenchDatabase db, DbSchedulerAnchor anchor, Options o) throws Exception {
        int jobs = 100;
        int workers = 16;
        Dag dag = new Dag(64);
        System.out.println("dag: " + jobs + " jobs x " + dag.size() + " tasks (init, 64 prove, 63 join, resolve,"
                + " finalize), all submitted at once, " + workers + " workers of every type; TaskDB: claims up to "
                + o.batch() + "; db-scheduler: dependencies emulated with its own table bench_dag_waiting;"
                + " " + order(o.rounds()) + "; then jobs one at a time on idle workers (release latency"
                + " without queueing)");
        dagTaskDb(db, dag, 10, workers, o.batch(), false); // warm-up
        anchor.dag(dag, 10, workers, false);
        double[] ours = new double[o.rounds()];
        double[] theirs = new double[o.rounds()];
        Latencies makespan = new Latencies();
        Latencies release = new Latencies();
        Latencies dbsMakespan = new Latencies();
        Latencies dbsRelease = new Latencies();
        int lost = 0;
        int duplicates = 0;
        int dbsLost = 0;
        int dbsDuplicates = 0;
        for (int r = 0; r < o.rounds(); r++) {
            DagRun a;
            DagRun b;
            if (r % 2 == 0) {
                a = dagTaskDb(db, dag, jobs, workers, o.batch(), false);
                b = anchor.dag(dag, jobs, workers, false);
            } else {
                b = anchor.dag(dag, jobs, workers, false);
                a = dagTaskDb(db, dag, jobs, workers, o.batch(), false);
            }
            ours[r] = a.tasksPerS();
            theirs[r] = b.tasksPerS();
            makespan.addAll(a.makespan());
            release.addAll(a.release());
            dbsMakespan.addAll(b.makespan());
            dbsRelease.addAll(b.release());
            lost += a.lost();
            duplicates += a.duplicates();
            dbsLost += b.lost();
            dbsDuplicates += b.duplicates();
            System.out.printf("  round %d: TaskDB %.0f tasks/s (release p99 %.2f ms), db-scheduler %.0f tasks/s"
                    + " (release p99 %.2f ms)%n", r + 1, a.tasksPerS(), a.release().percentileMs(99),
                    b.tasksPerS(), b.release().percentileMs(99));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", jobs);
        out.put("tasks", jobs * dag.size());
        out.put("workers", workers);
        double a = ExecuteBench.median(ours);
        double b = ExecuteBench.median(theirs);
        out.put("tasks_per_s", Math.round(a));
        out.put("db_scheduler_tasks_per_s", Math.round(b));
        out.put("ratio", round2(a / b));
        out.put("target_ratio", 2);
        out.putAll(makespan.summary("makespan_"));
        out.putAll(dbsMakespan.summary("db_scheduler_makespan_"));
        out.putAll(release.summary("release_"));
        out.putAll(dbsRelease.summary("db_scheduler_release_"));
        // The same jobs one at a time on idle workers: what a release costs when nothing queues.
        int idleJobs = o.quick() ? 5 : 10;
        DagRun idle = dagTaskDb(db, dag, idleJobs, workers, o.batch(), true);
        DagRun idleTheirs = anchor.dag(dag, idleJobs, workers, true);
        System.out.printf("  %d jobs one at a time: TaskDB release p50 %.2f / p99 %.2f ms, makespan p50 %.1f ms;"
                + " db-scheduler release p50 %.2f / p99 %.2f ms, makespan p50 %.1f ms%n", idleJobs,
                idle.release().percentileMs(50), idle.release().percentileMs(99), idle.makespan().percentileMs(50),
                idleTheirs.release().percentileMs(50), idleTheirs.release().percentileMs(99), idleTheirs.makespan().percentileMs(50));
        out.put("idle_jobs", idleJobs);
        out.putAll(idle.release().summary("idle_release_"));
        out.putAll(idleTheirs.release().summary("db_scheduler_idle_release_"));
        out.put("idle_makespan_p50_ms", idle.makespan().percentileMs(50));
        out.put("db_scheduler_idle_makespan_p50_ms", idleTheirs.makespan().percentileMs(50));
        out.put("target_release_p99_ms", 5);
        out.put("lost", lost + idle.lost());
        out.put("duplicates", duplicates + idle.duplicates());
        out.put("db_scheduler_lost", dbsLost + idleTheirs.lost());
        out.put("db_scheduler_duplicates", dbsDuplicates + idleTheirs.duplicates());
        return out;
    }

    /**
     * {@code jobs} DAG jobs created one after the other (all their tasks at once, with their
     * dependencies) while {@code workers} threads claim up to {@code batch} tasks of any type
     * (long-poll) and complete them in one call; {@code oneAtATime}: each job is created once the
     * previous one has finished (the workers are idle when tasks are released). Release latency:
     * the commit of the completion that finished a task's last parent -> the claim that got it.
     */
    private static DagRun dagTaskDb(BenchDatabase db, Dag dag, int jobs, int workers, int batch, boolean oneAtATime)
            throws Exception {
        db.reset();
        Set<WorkerType> types = EnumSet.of(WorkerType.EXEC, WorkerType.PROVE, WorkerType.JOIN, WorkerType.AUX);
        try (TaskDb taskDb = new TaskDb(db.timed())) {
            Map<String, Long> claimedAt = new ConcurrentHashMap<>();
            Map<String, Long> doneAt = new ConcurrentHashMap<>();
            Map<UUID, Long> finishedAt = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Crew crew = Crew.start(workers, "dag", w -> {
                String worker = "dag-" + w;
                while (!stop.get()) {
                    List<TaskClaim> claims = taskDb.claim(worker, types, batch, Duration.ofMillis(200));
                    long t = System.nanoTime();
                    if (claims.isEmpty()) {
                        continue;
                    }
                    List<Completion> results = new ArrayList<>(claims.size());
                    for (TaskClaim c : claims) {
                        if (claimedAt.putIfAbsent(c.jobId() + "/" + c.taskId(), t) != null) {
                            duplicates.incrementAndGet();
                        }
                        results.add(new Completion(c.jobId(), c.taskId(), c.attempt(), null));
                    }
                    long sent = System.nanoTime();
                    List<CompletionOutcome> outcomes = taskDb.completeAll(results);
                    long done = BenchDatabase.committedSince(sent);
                    for (int i = 0; i < outcomes.size(); i++) {
                        TaskClaim c = claims.get(i);
                        if (outcomes.get(i) != CompletionOutcome.COMPLETED) {
                            duplicates.incrementAndGet();
                            continue;
                        }
                        doneAt.put(c.jobId() + "/" + c.taskId(), done);
                        if (c.taskId().equals(Dag.FINALIZE)) {
                            finishedAt.put(c.jobId(), done);
                        }
                    }
                }
            });
            UUID[] ids = new UUID[jobs];
            long[] created = new long[jobs];
            long t0 = System.nanoTime();
            for (int j = 0; j < jobs; j++) {
                ids[j] = taskDb.createJob("dag", dag.specs());
                created[j] = BenchDatabase.lastCommitNanos();
                UUID id = ids[j];
                if (oneAtATime && !awaitCondition(() -> finishedAt.containsKey(id), 60_000)) {
                    break;
                }
            }
            boolean done = awaitCondition(() -> finishedAt.size() >= jobs, 300_000);
            stop.set(true);
            crew.join();
            if (!done) {
                throw new IllegalStateException("TaskDB finished only " + finishedAt.size() + " of " + jobs
                        + " DAG jobs in 5 minutes");
            }
            long t1 = finishedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            Latencies makespan = new Latencies();
            Latencies release = new Latencies();
            for (int j = 0; j < jobs; j++) {
                makespan.add(finishedAt.get(ids[j]) - created[j]);
                String prefix = ids[j] + "/";
                for (String task : dag.taskIds()) {
                    long released = 0;
                    for (String p : dag.parents(task)) {
                        released = Math.max(released, doneAt.get(prefix + p));
                    }
                    if (released > 0) {
                        release.add(Math.max(0, claimedAt.get(prefix + task) - released));
                    }
                }
            }
            int lost = jobs * dag.size() - doneAt.size();
            return new DagRun(jobs * dag.size() * 1e9 / (t1 - t0), makespan, release, lost, duplicates.get());
        }
    }

    // ---------------------------------------------------------------------------------------
    // fair

    /**
     * Claims and releases of running slots per owner (a user, or a job id until {@link #rename}),
     * with the moment each user's tasks became ready; figures computed afterwards.
     */
    static final class SlotLog {
        /** {@code asked}: when the claim that got the slot was sent (for a release: its time too). */
        private record Event(long at, long asked, String owner, int delta) {
        }

        private final List<Event> events = new ArrayList<>();
        private final Map<String, Long> readyAt = new ConcurrentHashMap<>();
        /** Per owner: claim returned → completion committed, and the completion call alone. */
        private final Map<String, Latencies> held = new ConcurrentHashMap<>();
        private final Map<String, Latencies> completing = new ConcurrentHashMap<>();

        synchronized void claimed(String owner, long asked, long at) {
            events.add(new Event(at, asked, owner, +1));
        }

        synchronized void released(String owner, long at) {
            events.add(new Event(at, at, owner, -1));
        }

        void held(String owner, long claimedAt, long completionSentAt, long releasedAt) {
            held.computeIfAbsent(owner, k -> new Latencies()).add(releasedAt - claimedAt);
            completing.computeIfAbsent(owner, k -> new Latencies()).add(releasedAt - completionSentAt);
        }

        /**
         * How long {@code owner}'s tasks held their slots, and how much of that was the
         * completion call: with equal task times, a longer hold is what makes the claims ratio
         * differ from the running-slots ratio.
         */
        Map<String, Object> holdFigures(String owner, String prefix) {
            Map<String, Object> out = new LinkedHashMap<>();
            Latencies h = held.getOrDefault(owner, new Latencies());
            Latencies c = completing.getOrDefault(owner, new Latencies());
            out.put(prefix + "held_mean_ms", h.meanMs());
            out.put(prefix + "completion_mean_ms", c.meanMs());
            out.putAll(c.summary(prefix + "completion_"));
            return out;
        }

        void readyAt(String user, long at) {
            readyAt.put(user, at);
        }

        synchronized void rename(Map<String, String> owners) {
            events.replaceAll(e -> new Event(e.at, e.asked, owners.getOrDefault(e.owner, e.owner), e.delta));
            owners.forEach((from, to) -> {
                Latencies h = held.remove(from);
                Latencies c = completing.remove(from);
                if (h != null) {
                    held.put(to, h);
                    completing.put(to, c);
                }
            });
        }

        private synchronized List<Event> sorted() {
            List<Event> s = new ArrayList<>(events);
            s.sort(Comparator.comparingLong(Event::at));
            return s;
        }

        /**
         * For {@code user}, from the moment its tasks became ready: its wait until each claim;
         * how long until it held {@code slots} running tasks and how many claims sent after that
         * moment went to other users meanwhile; its time-weighted mean of running tasks until its
         * last claim.
         */
        Map<String, Object> slotFigures(String user, int slots, String prefix) {
            long from = readyAt.get(user);
            Latencies waits = new Latencies();
            int running = 0;
            long heldAt = -1;
            int othersBefore = 0;
            long lastClaim = from;
            for (Event e : sorted()) {
                if (e.owner.equals(user)) {
                    running += e.delta;
                    if (e.delta > 0) {
                        waits.add(Math.max(0, e.at - from));
                        lastClaim = Math.max(lastClaim, e.at);
                    }
                    if (heldAt < 0 && running >= slots && e.at >= from) {
                        heldAt = e.at;
                    }
                } else if (e.delta > 0 && e.asked > from && heldAt < 0) {
                    othersBefore++; // a claim sent after the user's tasks were ready went elsewhere
                }
            }
            // time-weighted mean of the user's running count over [from, lastClaim]
            double area = 0;
            running = 0;
            long prev = from;
            for (Event e : sorted()) {
                if (!e.owner.equals(user)) {
                    continue;
                }
                if (e.at > from) {
                    long until = Math.min(e.at, lastClaim);
                    if (until > prev) {
                        area += (double) running * (until - prev);
                        prev = until;
                    }
                }
                running += e.delta;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(prefix + "slots_held_after_ms", heldAt < 0 ? Double.NaN : Latencies.ms(heldAt - from));
            out.put(prefix + "other_claims_before_slots", othersBefore);
            out.put(prefix + "running_mean", lastClaim > from ? round2(area / (lastClaim - from)) : Double.NaN);
            out.putAll(waits.summary(prefix + "wait_"));
            return out;
        }

        /** Claims per user up to and including {@code user}'s last claim. */
        Map<String, Integer> claimsUntilLastOf(String user) {
            List<Event> s = sorted();
            long last = s.stream().filter(e -> e.owner.equals(user) && e.delta > 0).mapToLong(Event::at).max().orElse(0);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Event e : s) {
                if (e.delta > 0 && e.at <= last) {
                    counts.merge(e.owner, 1, Integer::sum);
                }
            }
            return counts;
        }
    }

    private static Map<String, Object> fair(BenchDatabase db, DbSchedulerAnchor anchor, Options o) throws Exception {
        // 12 slots: the multiplier rule shares running slots, so 2:1 must be a whole split (8:4);
        // with 8 slots its exact outcome is 5:3 (a ratio of 1.67) for as long as both have work.
        int workers = 12;
        long taskMillis = 10;
        int flood = o.quick() ? 2000 : 5000;
        int extra = 500;
        int reserved = 2;
        int share = o.quick() ? 1000 : 2000;
        System.out.println("fair: " + workers + " workers, tasks of " + taskMillis + " ms claimed one at a time;"
                + " user A reserved " + reserved + ", user B floods " + flood + ", A adds " + extra
                + " after 1 s (db-scheduler, FIFO, for reference); then users C and D, multipliers 2:1, "
                + share + " tasks each");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workers", workers);
        out.put("task_ms", taskMillis);
        out.put("a_reserved", reserved);
        out.put("b_flood", flood);
        out.put("a_added", extra);
        out.put("share_tasks_each", share);
        db.reset();
        AtomicInteger duplicates = new AtomicInteger();
        try (TaskDb taskDb = new TaskDb(db.timed())) {
            Streams streams = new Streams(db.timed());
            streams.configure("A", WorkerType.PROVE, reserved, 1.0);
            SlotLog log = new SlotLog();
            Map<UUID, AtomicInteger> completed = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Crew crew = slotWorkers(taskDb, workers, taskMillis, log, completed, duplicates, stop);
            UUID b = taskDb.createJob("B", specs(flood, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS));
            Thread.sleep(1000);
            UUID a = taskDb.createJob("A", specs(extra, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS));
            log.readyAt("A", BenchDatabase.lastCommitNanos());
            long t0 = System.nanoTime();
            boolean done = awaitCondition(() -> count(completed, a) >= extra, 300_000);
            long t1 = System.nanoTime();
            taskDb.abortJob(b);
            stop.set(true);
            crew.join();
            if (!done) {
                throw new IllegalStateException("only " + count(completed, a) + " of A's " + extra + " tasks done in 5 minutes");
            }
            log.rename(Map.of(a.toString(), "A", b.toString(), "B"));
            out.putAll(log.slotFigures("A", reserved, "a_"));
            out.put("a_tasks_per_s", Math.round(extra * 1e9 / (t1 - t0)));
            out.put("lost", extra - count(completed, a));

            // Second part: weighted shares.
            streams.configure("C", WorkerType.PROVE, 0, 2.0);
            streams.configure("D", WorkerType.PROVE, 0, 1.0);
            UUID c = taskDb.createJob("C", specs(share, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS));
            UUID d = taskDb.createJob("D", specs(share, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS));
            SlotLog shares = new SlotLog();
            AtomicBoolean stop2 = new AtomicBoolean();
            long s0 = System.nanoTime();
            Crew crew2 = slotWorkers(taskDb, workers, taskMillis, shares, completed, duplicates, stop2);
            // TaskDB's own running counters, sampled while both users have work
            Map<String, long[]> sampled = new ConcurrentHashMap<>();
            Crew sampler = Crew.start(1, "fair-sampler", w -> {
                while (!stop2.get() && count(completed, c) < share * 9 / 10) {
                    try (Connection conn = db.dataSource().getConnection(); Statement st = conn.createStatement();
                         ResultSet rs = st.executeQuery("SELECT user_id, running FROM stream_counts"
                                 + " WHERE user_id IN ('C', 'D') AND worker_type = 'prove'")) {
                        while (rs.next()) {
                            long[] sum = sampled.computeIfAbsent(rs.getString(1), k -> new long[2]);
                            sum[0] += rs.getLong(2);
                            sum[1]++;
                        }
                    }
                    sleepMillis(20);
                }
            });
            awaitCondition(() -> count(completed, c) >= share, 300_000);
            long s1 = System.nanoTime();
            taskDb.abortJob(d);
            stop2.set(true);
            crew2.join();
            sampler.join();
            shares.rename(Map.of(c.toString(), "C", d.toString(), "D"));
            Map<String, Integer> counts = shares.claimsUntilLastOf("C");
            int cs = counts.getOrDefault("C", 0);
            int ds = counts.getOrDefault("D", 0);
            double ratio = ds == 0 ? Double.NaN : (double) cs / ds;
            out.put("share_claims_c", cs);
            out.put("share_claims_d", ds);
            out.put("share_ratio", round2(ratio));
            out.put("target_share_ratio", 2.0);
            out.put("share_error_pct", round2((ratio / 2 - 1) * 100));
            double runningC = mean(sampled.get("C"));
            double runningD = mean(sampled.get("D"));
            out.put("share_running_c_mean", round2(runningC));
            out.put("share_running_d_mean", round2(runningD));
            out.put("share_running_ratio", round2(runningC / runningD));
            out.putAll(shares.holdFigures("C", "share_c_"));
            out.putAll(shares.holdFigures("D", "share_d_"));
            out.put("tasks_per_s", Math.round((cs + ds) * 1e9 / (s1 - s0)));
            out.put("duplicates", duplicates.get());
        }
        SlotLog fifo = anchor.fairFifo(workers, flood, extra, 1000, taskMillis);
        Map<String, Object> theirs = fifo.slotFigures("A", reserved, "db_scheduler_a_");
        out.put("db_scheduler_a_running_mean", theirs.get("db_scheduler_a_running_mean"));
        out.put("db_scheduler_a_wait_p50_ms", theirs.get("db_scheduler_a_wait_p50_ms"));
        out.put("db_scheduler_a_wait_p99_ms", theirs.get("db_scheduler_a_wait_p99_ms"));
        out.put("db_scheduler_a_slots_held_after_ms", theirs.get("db_scheduler_a_slots_held_after_ms"));
        return out;
    }

    private static double mean(long[] sumAndCount) {
        return sumAndCount == null || sumAndCount[1] == 0 ? Double.NaN : (double) sumAndCount[0] / sumAndCount[1];
    }

    private static int count(Map<UUID, AtomicInteger> completed, UUID job) {
        AtomicInteger n = completed.get(job);
        return n == null ? 0 : n.get();
    }

    /**
     * Workers that claim one task at a time, hold it {@code taskMillis}, and complete it; a slot
     * counts as running from the claim to the completion's commit, as TaskDB counts it.
     */
    private static Crew slotWorkers(TaskDb taskDb, int workers, long taskMillis, SlotLog log,
            Map<UUID, AtomicInteger> completed, AtomicInteger duplicates, AtomicBoolean stop) {
        return Crew.start(workers, "fair", w -> {
            String worker = "fair-" + w;
            while (!stop.get()) {
                long asked = System.nanoTime();
                for (TaskClaim c : taskDb.claim(worker, PROVE, 1, Duration.ofMillis(200))) {
                    String owner = c.jobId().toString();
                    long claimedAt = System.nanoTime();
                    log.claimed(owner, asked, claimedAt);
                    if (c.attempt() > 1) {
                        duplicates.incrementAndGet();
                    }
                    sleepMillis(taskMillis);
                    long sent = System.nanoTime();
                    CompletionOutcome outcome = taskDb.completeAll(
                            List.of(new Completion(c.jobId(), c.taskId(), c.attempt(), null))).get(0);
                    // the slot is TaskDB's until the completion commits
                    long released = BenchDatabase.committedSince(sent);
                    log.released(owner, released);
                    log.held(owner, claimedAt, sent, released);
                    if (outcome == CompletionOutcome.COMPLETED) {
                        completed.computeIfAbsent(c.jobId(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }
        });
    }

    private static List<TaskSpec> specs(int n, WorkerType type, int timeoutSeconds) {
        List<TaskSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(TaskSpec.of(String.valueOf(i), type, null, timeoutSeconds, 3));
        }
        return specs;
    }

    // ---------------------------------------------------------------------------------------
    // lease

    record LeaseRun(double tasksPerS, int abandoned, int unreclaimed, Latencies killToReclaim,
            double reclaimAfterLeaseMaxMs, int lost, int duplicates, int staleAccepted) {
    }

    private static Map<String, Object> lease(BenchDatabase db, DbSchedulerAnchor anchor, Options o) throws Exception {
        int n = o.quick() ? 400 : 1000;
        int processes = 4;
        int threadsEach = 4;
        long taskMillis = 200;
        long killAfter = o.quick() ? 2000 : 5000;
        int leaseSeconds = 2;
        System.out.println("lease: " + n + " tasks of " + taskMillis + " ms, " + processes + " worker processes x "
                + threadsEach + " threads, the first killed at " + killAfter / 1000 + " s (its tasks abandoned:"
                + " no completion, no heartbeat); TaskDB lease " + leaseSeconds + " s, reaper every 1 s,"
                + " server defaults (1 s retry back-off); db-scheduler: 4 instances, heartbeat 500 ms x 4 missed"
                + " = dead after 2 s, checked every 1 s; then the dead worker's late results are sent (TaskDB)");
        LeaseRun a = leaseTaskDb(db, n, processes, threadsEach, taskMillis, killAfter, leaseSeconds);
        System.out.printf("  TaskDB: %d abandoned, kill -> reclaimed max %.0f ms, %d stale results accepted%n",
                a.abandoned(), a.killToReclaim().percentileMs(100), a.staleAccepted());
        LeaseRun b = anchor.lease(n, processes, threadsEach, taskMillis, killAfter, Duration.ofMillis(500));
        System.out.printf("  db-scheduler: %d abandoned, kill -> reclaimed max %.0f ms%n",
                b.abandoned(), b.killToReclaim().percentileMs(100));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", n);
        out.put("task_ms", taskMillis);
        out.put("lease_s", leaseSeconds);
        out.put("kill_at_s", killAfter / 1000.0);
        out.put("reaper_tick_s", 1);
        out.put("tasks_per_s", Math.round(a.tasksPerS()));
        out.put("db_scheduler_tasks_per_s", Math.round(b.tasksPerS()));
        out.put("abandoned", a.abandoned());
        out.put("unreclaimed", a.unreclaimed());
        out.putAll(a.killToReclaim().summary("kill_to_reclaim_"));
        out.put("reclaim_after_lease_max_ms", a.reclaimAfterLeaseMaxMs());
        out.put("target_reclaim_after_lease_max_ms", 1000);
        out.put("lost", a.lost());
        out.put("duplicates", a.duplicates());
        out.put("stale_accepted", a.staleAccepted());
        out.put("db_scheduler_abandoned", b.abandoned());
        out.put("db_scheduler_unreclaimed", b.unreclaimed());
        out.putAll(b.killToReclaim().summary("db_scheduler_kill_to_reclaim_"));
        out.put("db_scheduler_lost", b.lost());
        out.put("db_scheduler_duplicates", b.duplicates());
        return out;
    }

    /**
     * {@code processes × threadsEach} workers claim one task at a time, work {@code taskMillis}
     * and complete it; a reaper pass runs every second. At {@code killAfter} the first process's
     * threads stop dead: a task they hold, or get from a claim in flight, is neither completed nor
     * heartbeated. Afterwards its results are sent anyway (a paused process waking up): all must
     * be refused.
     */
    private static LeaseRun leaseTaskDb(BenchDatabase db, int n, int processes, int threadsEach, long taskMillis,
            long killAfter, int leaseSeconds) throws Exception {
        db.reset();
        try (TaskDb taskDb = new TaskDb(db.dataSource())) {
            taskDb.createJob("lease", specs(n, WorkerType.PROVE, leaseSeconds));
            AtomicIntegerArray completions = new AtomicIntegerArray(n);
            AtomicInteger distinctDone = new AtomicInteger();
            List<TaskClaim> abandoned = java.util.Collections.synchronizedList(new ArrayList<>());
            Map<String, TaskClaim> reclaims = new ConcurrentHashMap<>();
            Map<String, Long> reclaimedAt = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            Thread reaper = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(1000);
                        taskDb.reapExpiredLeases();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lease-reaper");
            reaper.setDaemon(true);
            reaper.start();
            long t0 = System.nanoTime();
            Crew crew = Crew.start(processes * threadsEach, "lease", w -> {
                boolean mortal = w < threadsEach; // the first process's threads
                String worker = "p" + w / threadsEach + "-" + w % threadsEach;
                while (!stop.get()) {
                    List<TaskClaim> claims;
                    try {
                        claims = taskDb.claim(worker, PROVE, 1, Duration.ofMillis(250));
                    } catch (InterruptedException e) {
                        if (mortal && killed.get()) {
                            return;
                        }
                        continue;
                    }
                    long t = System.nanoTime();
                    for (TaskClaim c : claims) {
                        if (c.attempt() > 1) {
                            reclaims.putIfAbsent(c.taskId(), c);
                            reclaimedAt.putIfAbsent(c.taskId(), t);
                        }
                    }
                    if (mortal && killed.get()) {
                        abandoned.addAll(claims);
                        return;
                    }
                    if (claims.isEmpty()) {
                        continue;
                    }
                    try {
                        Thread.sleep(taskMillis);
                    } catch (InterruptedException e) {
                        // killed while working
                    }
                    if (mortal && killed.get()) {
                        abandoned.addAll(claims);
                        return;
                    }
                    List<CompletionOutcome> outcomes = taskDb.completeAll(claims.stream()
                            .map(c -> new Completion(c.jobId(), c.taskId(), c.attempt(), null)).toList());
                    for (int i = 0; i < outcomes.size(); i++) {
                        if (outcomes.get(i) == CompletionOutcome.COMPLETED
                                && completions.incrementAndGet(Integer.parseInt(claims.get(i).taskId())) == 1) {
                            distinctDone.incrementAndGet();
                        }
                    }
                }
            });
            Thread.sleep(killAfter);
            long killedAt = System.nanoTime();
            killed.set(true);
            crew.interrupt(0, threadsEach);
            boolean done = awaitCondition(() -> distinctDone.get() >= n, 120_000);
            long t1 = System.nanoTime();
            stop.set(true);
            crew.join();
            reaper.interrupt();
            reaper.join();
            if (!done) {
                System.out.println("  TaskDB lease: only " + distinctDone.get() + " of " + n + " tasks done in 2 minutes");
            }
            int staleAccepted = 0;
            if (!abandoned.isEmpty()) {
                List<CompletionOutcome> late = taskDb.completeAll(abandoned.stream()
                        .map(c -> new Completion(c.jobId(), c.taskId(), c.attempt(), null)).toList());
                staleAccepted = (int) late.stream().filter(o -> o == CompletionOutcome.COMPLETED).count();
            }
            Latencies killToReclaim = new Latencies();
            double overshootMax = Double.NaN;
            int unreclaimed = 0;
            for (TaskClaim gone : abandoned) {
                TaskClaim again = reclaims.get(gone.taskId());
                if (again == null || again.attempt() <= gone.attempt()) {
                    unreclaimed++;
                    continue;
                }
                killToReclaim.add(reclaimedAt.get(gone.taskId()) - killedAt);
                // On the database's clock: the new attempt's start (its lease minus its length)
                // against the expiry of the abandoned attempt's lease.
                long startedMs = again.leaseExpiresAt().toEpochMilli() - again.timeoutSeconds() * 1000L;
                double overshoot = startedMs - gone.leaseExpiresAt().toEpochMilli();
                overshootMax = Double.isNaN(overshootMax) ? overshoot : Math.max(overshootMax, overshoot);
            }
            int lost = 0;
            int duplicates = 0;
            for (int i = 0; i < n; i++) {
                lost += completions.get(i) == 0 ? 1 : 0;
                duplicates += completions.get(i) > 1 ? 1 : 0;
            }
            return new LeaseRun(n * 1e9 / (t1 - t0), abandoned.size(), unreclaimed, killToReclaim, overshootMax,
                    lost, duplicates, staleAccepted);
        }
    }

    // ---------------------------------------------------------------------------------------
    // soak

    private record ClaimSample(UUID job, long at, int tasks) {
    }

    /**
     * A producer thread creating jobs of up to 1000 independent tasks, at {@code rate} tasks/s
     * (0: as fast as it can while fewer than {@code maxBacklog} tasks wait), and {@code workers}
     * threads claiming up to {@code batch} (long-poll) and completing them in one call, on a
     * fresh database. Claim latency: the commit of the task's creation -> the claim.
     */
    private static final class Load {
        final TaskDb taskDb;
        final AtomicLong produced = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicInteger duplicates = new AtomicInteger();
        final Map<UUID, Long> readyAt = new ConcurrentHashMap<>();
        final List<ClaimSample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stopProducer = new AtomicBoolean();
        final AtomicBoolean stopWorkers = new AtomicBoolean();
        final long t0 = System.nanoTime();
        final Crew workers;
        final Crew producer;

        Load(BenchDatabase db, int workerCount, int batch, double rate, long maxBacklog) {
            db.reset();
            taskDb = new TaskDb(db.timed());
            workers = Crew.start(workerCount, "load", w -> {
                String worker = "load-" + w;
                while (!stopWorkers.get()) {
                    List<TaskClaim> claims = taskDb.claim(worker, PROVE, batch, Duration.ofMillis(100));
                    long t = System.nanoTime();
                    if (claims.isEmpty()) {
                        continue;
                    }
                    Map<UUID, Integer> perJob = new HashMap<>();
                    List<Completion> results = new ArrayList<>(claims.size());
                    for (TaskClaim c : claims) {
                        perJob.merge(c.jobId(), 1, Integer::sum);
                        if (c.attempt() > 1) {
                            duplicates.incrementAndGet();
                        }
                        results.add(new Completion(c.jobId(), c.taskId(), c.attempt(), null));
                    }
                    perJob.forEach((job, k) -> samples.add(new ClaimSample(job, t, k)));
                    for (CompletionOutcome outcome : taskDb.completeAll(results)) {
                        if (outcome == CompletionOutcome.COMPLETED) {
                            completed.incrementAndGet();
                        } else {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            });
            producer = Crew.start(1, "load-producer", w -> {
                while (!stopProducer.get()) {
                    long due = rate > 0 ? (long) (rate * (System.nanoTime() - t0) / 1e9) - produced.get() : 1000;
                    long room = maxBacklog - (produced.get() - completed.get());
                    int k = (int) Math.min(1000, Math.min(due, room));
                    if (k <= 0) {
                        sleepMillis(1);
                        continue;
                    }
                    UUID job = taskDb.createJob("load", specs(k, WorkerType.PROVE, NOOP_TIMEOUT_SECONDS));
                    readyAt.put(job, BenchDatabase.lastCommitNanos());
                    produced.addAndGet(k);
                }
            });
        }

        /** Stops the producer, lets the workers finish the backlog (or not, in time), stops them. */
        boolean finish(long drainMillis) throws Exception {
            stopProducer.set(true);
            producer.join();
            boolean drained = awaitCondition(() -> completed.get() >= produced.get(), drainMillis);
            stopWorkers.set(true);
            workers.join();
            taskDb.close();
            return drained;
        }

        /** Claim latencies of the claims made in [from, to). */
        Latencies latencies(long from, long to) {
            Latencies l = new Latencies();
            synchronized (samples) {
                for (ClaimSample s : samples) {
                    Long ready = readyAt.get(s.job());
                    if (ready != null && s.at() >= from && s.at() < to) {
                        for (int i = 0; i < s.tasks(); i++) {
                            l.add(Math.max(0, s.at() - ready));
                        }
                    }
                }
            }
            return l;
        }
    }

    private static Map<String, Object> soak(BenchDatabase db, Options o) throws Exception {
        int workers = 16;
        long capacityMillis = o.quick() ? 4_000 : 10_000;
        long half = o.soakSeconds() * 1_000_000_000L / 2;
        System.out.println("soak: capacity = tasks/s completed by " + workers + " workers while one producer keeps"
                + " 20k tasks waiting (" + capacityMillis / 1000 + " s, the first second not counted); then 70 % of it"
                + " offered for " + o.soakSeconds() + " s, the first half clean, the second while another"
                + " connection holds a transaction open (REPEATABLE READ, after one query)");
        Load saturated = new Load(db, workers, o.batch(), 0, 20_000);
        Thread.sleep(1000);
        long c0 = saturated.completed.get();
        long s0 = System.nanoTime();
        Thread.sleep(capacityMillis - 1000);
        double capacity = (saturated.completed.get() - c0) * 1e9 / (System.nanoTime() - s0);
        saturated.finish(30_000);
        // -Dbench.soak_rate=N offers N tasks/s instead: two runs then compare at the same load.
        int fixedRate = Integer.getInteger("bench.soak_rate", 0);
        double rate = fixedRate > 0 ? fixedRate : 0.7 * capacity;
        System.out.printf("  capacity %.0f tasks/s; offering %.0f tasks/s%n", capacity, rate);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", o.soakSeconds());
        out.put("workers", workers);
        out.put("capacity_tasks_per_s", Math.round(capacity));
        out.put("offered_tasks_per_s", Math.round(rate));
        Load load = new Load(db, workers, o.batch(), rate, Long.MAX_VALUE);
        long t0 = load.t0;
        progressUntil(load, t0 + half, "clean");
        long mid = System.nanoTime();
        long completedMid = load.completed.get();
        long producedMid = load.produced.get();
        Map<String, Object> deadClean = db.deadTuples("tasks", "jobs", "stream_counters");
        long end;
        long completedEnd;
        long producedEnd;
        Map<String, Object> deadHeld;
        try (Connection held = db.openUnpooled()) {
            held.setAutoCommit(false);
            held.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = held.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs")) {
                rs.next();
            }
            progressUntil(load, t0 + 2 * half, "held");
            end = System.nanoTime();
            completedEnd = load.completed.get();
            producedEnd = load.produced.get();
            Thread.sleep(1100); // statistics reach pg_stat_user_tables within a second
            deadHeld = db.deadTuples("tasks", "jobs", "stream_counters");
            held.rollback();
        }
        load.finish(o.quick() ? 10_000 : 30_000);
        // Whatever the workers did not get to is still queued, not lost: lost = created but gone
        // or ended other than done.
        long rows = db.queryLong("SELECT count(*) FROM tasks");
        long unfinished = db.queryLong("SELECT count(*) FROM tasks WHERE state IN ('pending', 'ready', 'running')");
        long ended = db.queryLong("SELECT count(*) FROM tasks WHERE state IN ('failed', 'cancelled')");
        double clean = completedMid * 1e9 / (mid - t0);
        double dirty = (completedEnd - completedMid) * 1e9 / (end - mid);
        System.out.printf("  clean %.0f tasks/s (backlog %d at its end), held %.0f tasks/s (backlog %d)%n",
                clean, producedMid - completedMid, dirty, producedEnd - completedEnd);
        out.put("clean_tasks_per_s", Math.round(clean));
        out.put("held_tasks_per_s", Math.round(dirty));
        out.put("tasks_per_s", Math.round(dirty));
        out.put("ratio", round2(dirty / clean));
        out.put("target_ratio", 0.8);
        out.put("backlog_clean_end", producedMid - completedMid);
        out.put("backlog_held_end", producedEnd - completedEnd);
        out.putAll(load.latencies(t0, mid).summary("clean_claim_"));
        out.putAll(load.latencies(mid, end).summary("held_claim_"));
        out.put("dead_tuples_clean", deadClean);
        out.put("dead_tuples_held", deadHeld);
        out.put("still_queued_after_drain", unfinished);
        out.put("lost", load.produced.get() - rows + ended);
        out.put("duplicates", load.duplicates.get());
        return out;
    }

    /** Sleeps until {@code deadline}, printing the last minute's throughput and the backlog every minute. */
    private static void progressUntil(Load load, long deadline, String phase) throws InterruptedException {
        long at = System.nanoTime();
        long done = load.completed.get();
        while (System.nanoTime() < deadline) {
            sleepUntil(Math.min(deadline, at + 60_000_000_000L));
            long now = System.nanoTime();
            long c = load.completed.get();
            System.out.printf("  %s, %3.0f s: %.0f tasks/s, backlog %d%n", phase, (now - load.t0) / 1e9,
                    (c - done) * 1e9 / (now - at), load.produced.get() - c);
            at = now;
            done = c;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Threads and time

    @FunctionalInterface
    interface Body {
        void run(int index) throws Exception;
    }

    /** Worker threads (daemons) whose first failure {@link #join()} rethrows. */
    static final class Crew {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        static Crew start(int n, String name, Body body) {
            Crew crew = new Crew();
            for (int i = 0; i < n; i++) {
                int index = i;
                Thread t = new Thread(() -> {
                    try {
                        body.run(index);
                    } catch (Throwable e) {
                        crew.failure.compareAndSet(null, e);
                    }
                }, name + "-" + i);
                t.setDaemon(true);
                crew.threads.add(t);
            }
            crew.threads.forEach(Thread::start);
            return crew;
        }

        void interrupt(int from, int to) {
            for (int i = from; i < to; i++) {
                threads.get(i).interrupt();
            }
        }

        void join() throws Exception {
            for (Thread t : threads) {
                t.join();
            }
            Throwable e = failure.get();
            if (e instanceof Exception ex) {
                throw ex;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }

    @FunctionalInterface
    interface Tick {
        void run(long k) throws Exception;
    }

    /** Calls {@code tick} at 0, period, 2 × period, … for {@code seconds} (catching up if late). */
    static void atFixedRate(double seconds, long periodMillis, Tick tick) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (long k = 0; ; k++) {
            long due = start + k * periodMillis * 1_000_000L;
            if (due >= end) {
                return;
            }
            sleepUntil(due);
            tick.run(k);
        }
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} every 2 ms; false if {@code timeoutMillis} pass first. */
    static boolean awaitCondition(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** How the runs of a comparing cell are ordered, in words. */
    private static String order(int rounds) {
        return rounds == 1 ? "TaskDB then db-scheduler, one run each"
                : "TaskDB and db-scheduler interleaved A B B A …, median of " + rounds;
    }

    static double round2(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
