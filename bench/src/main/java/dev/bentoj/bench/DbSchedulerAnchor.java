package dev.bentoj.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The anchor of {@code spec/benchmarks.md}: db-scheduler, driven in this JVM on the same database
 * and pool as TaskDB, configured as the spec says: lock-and-fetch polling (fractions 0.5 and 1.0
 * of the threads, its README's "normal usage"), immediate execution on, a 100 ms polling
 * interval, its own {@code scheduled_tasks} table. Every run builds a fresh scheduler and stops
 * it at the end. One-time tasks with no data; a task's id tells the benchmark which it is.
 */
final class DbSchedulerAnchor {

    static final Duration POLLING_INTERVAL = Duration.ofMillis(100);

    private final BenchDatabase db;

    DbSchedulerAnchor(BenchDatabase db) {
        this.db = db;
    }

    /** The db-scheduler version on the class path, from its jar's Maven metadata. */
    static String version() {
        try (InputStream in = Scheduler.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static SchedulerBuilder builder(DataSource ds, String name, int threads, Task<?>... tasks) {
        return Scheduler.create(ds, tasks)
                .threads(threads)
                .pollingInterval(POLLING_INTERVAL)
                .pollUsingLockAndFetch(0.5, 1.0)
                .enableImmediateExecution()
                .schedulerName(new SchedulerName.Fixed(name));
    }

    /** Counts down a latch for each execution whose completion (the row's delete) went through. */
    private static AbstractSchedulerListener onComplete(java.util.function.Consumer<ExecutionComplete> action) {
        return new AbstractSchedulerListener() {
            @Override
            public void onExecutionComplete(ExecutionComplete complete) {
                if (complete.getResult() == ExecutionComplete.Result.OK) {
                    action.accept(complete);
                }
            }
        };
    }

    // ---------------------------------------------------------------------------------------
    // drain

    /**
     * {@code n} no-op tasks scheduled (in batches, before the scheduler starts) for now, then
     * timed from {@code start()} until the last one's row is deleted, or the time limit.
     */
    TaskDbBench.DrainRun drain(int n, int threads, double limitSeconds) throws Exception {
        db.reset();
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((inst, ctx) -> runs.incrementAndGet(Integer.parseInt(inst.getId())));
        Scheduler scheduler = builder(db.dataSource(), "drain", threads, noop)
                .addSchedulerListener(onComplete(c -> done.countDown()))
                .build();
        Instant now = Instant.now();
        List<TaskInstance<?>> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            batch.add(noop.instance(String.valueOf(i)));
            if (batch.size() == 1000 || i == n - 1) {
                scheduler.scheduleBatch(batch, now);
                batch.clear();
            }
        }
        db.execute("ANALYZE");
        long t0 = System.nanoTime();
        scheduler.start();
        done.await((long) (limitSeconds * 1000), TimeUnit.MILLISECONDS);
        long completed = n - done.getCount();
        long t1 = System.nanoTime();
        scheduler.stop();
        return TaskDbBench.DrainRun.of(n, completed, t1 - t0, runs);
    }

    // ---------------------------------------------------------------------------------------
    // wake

    /**
     * Idle scheduler with {@code threads} threads; one task scheduled for now every {@code
     * periodMillis} for {@code seconds}. Adds each task's commit → handler start to {@code out}.
     *
     * @return how many tasks never ran (within 2 s of the last one's scheduling)
     */
    int wake(double seconds, int threads, long periodMillis, Latencies out) throws Exception {
        db.reset();
        Map<String, Long> claimed = new ConcurrentHashMap<>();
        OneTimeTask<Void> task = Tasks.oneTime("wake").execute((inst, ctx) -> claimed.put(inst.getId(), System.nanoTime()));
        Scheduler scheduler = builder(db.timed(), "wake", threads, task).build();
        scheduler.start();
        Thread.sleep(300); // past the first poll: idle, as the cell wants
        Map<String, Long> ready = new ConcurrentHashMap<>();
        TaskDbBench.atFixedRate(seconds, periodMillis, k -> {
            String id = String.valueOf(k);
            scheduler.schedule(task.instance(id), Instant.now());
            ready.put(id, BenchDatabase.lastCommitNanos());
        });
        TaskDbBench.awaitCondition(() -> claimed.size() >= ready.size(), 2000);
        scheduler.stop();
        int lost = 0;
        for (Map.Entry<String, Long> e : ready.entrySet()) {
            Long c = claimed.get(e.getKey());
            if (c == null) {
                lost++;
            } else {
                out.add(Math.max(0, c - e.getValue()));
            }
        }
        return lost;
    }

    // ---------------------------------------------------------------------------------------
    // dag

    /**
     * The DAG of {@link TaskDbBench.Dag} for {@code jobs} jobs. db-scheduler has no dependencies,
     * so they are emulated with the table {@code bench_dag_waiting} (job, task, waiting_on): a
     * job's submission inserts its waiting rows and schedules {@code init}; each handler, after
     * its (no-op) work, decrements its children's waiting_on in one UPDATE … RETURNING and
     * schedules those that reached 0 in one scheduleBatch (which triggers immediate execution).
     * Both are autocommit statements of the handler, before db-scheduler deletes the parent's
     * row, so the emulation is not atomic with the completion (a crash between them would lose
     * the children): it does less than TaskDB's completion, which does all of it in one
     * transaction. {@code oneAtATime}: each job is submitted once the previous one has finished.
     */
    TaskDbBench.DagRun dag(TaskDbBench.Dag dag, int jobs, int threads, boolean oneAtATime) throws Exception {
        db.reset();
        Map<String, Long> claimedAt = new ConcurrentHashMap<>();
        Map<String, Long> doneAt = new ConcurrentHashMap<>();
        Map<Integer, Long> finishedAt = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(jobs);
        AtomicReference<Scheduler> self = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        OneTimeTask<Void>[] holder = newTaskArray();
        holder[0] = Tasks.oneTime("dag").execute((inst, ctx) -> {
            long claimed = System.nanoTime();
            String key = inst.getId();
            if (claimedAt.putIfAbsent(key, claimed) != null) {
                duplicates.incrementAndGet();
            }
            int colon = key.indexOf(':');
            int job = Integer.parseInt(key.substring(0, colon));
            String taskId = key.substring(colon + 1);
            List<String> children = dag.children(taskId);
            if (children.isEmpty()) {
                return; // finalize: the job ends with its row's delete (the listener)
            }
            try {
                List<TaskInstance<?>> released = new ArrayList<>();
                try (Connection c = db.timed().getConnection();
                     PreparedStatement ps = c.prepareStatement("""
                             UPDATE bench_dag_waiting SET waiting_on = waiting_on - 1
                             WHERE job = ? AND task = ANY (?) RETURNING task, waiting_on
                             """)) {
                    ps.setInt(1, job);
                    ps.setArray(2, c.createArrayOf("text", children.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getInt(2) == 0) {
                                released.add(holder[0].instance(job + ":" + rs.getString(1)));
                            }
                        }
                    }
                }
                if (!released.isEmpty()) {
                    self.get().scheduleBatch(released, Instant.now());
                }
                doneAt.put(key, BenchDatabase.lastCommitNanos());
            } catch (SQLException | RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        });
        Scheduler scheduler = builder(db.timed(), "dag", threads, holder[0])
                .addSchedulerListener(onComplete(c -> {
                    String key = c.getExecution().getId();
                    if (key.endsWith(":" + TaskDbBench.Dag.FINALIZE)) {
                        finishedAt.put(Integer.parseInt(key.substring(0, key.indexOf(':'))), System.nanoTime());
                        finished.countDown();
                    }
                }))
                .build();
        self.set(scheduler);
        scheduler.start();
        Thread.sleep(300);
        String[] waitingTasks = dag.waitingTaskIds();
        Integer[] waitingOn = dag.waitingCounts();
        long[] created = new long[jobs];
        long t0 = System.nanoTime();
        for (int j = 0; j < jobs; j++) {
            try (Connection c = db.timed().getConnection();
                 PreparedStatement ps = c.prepareStatement("""
                         INSERT INTO bench_dag_waiting (job, task, waiting_on)
                         SELECT ?, t, n FROM unnest(?::text[], ?::int[]) AS w(t, n)
                         """)) {
                ps.setInt(1, j);
                ps.setArray(2, c.createArrayOf("text", waitingTasks));
                ps.setArray(3, c.createArrayOf("integer", waitingOn));
                ps.executeUpdate();
            }
            scheduler.schedule(holder[0].instance(j + ":" + TaskDbBench.Dag.INIT), Instant.now());
            created[j] = BenchDatabase.lastCommitNanos();
            int job = j;
            if (oneAtATime && !TaskDbBench.awaitCondition(() -> finishedAt.containsKey(job), 60_000)) {
                break;
            }
        }
        boolean done = finished.await(5, TimeUnit.MINUTES);
        scheduler.stop();
        if (failure.get() != null) {
            throw new IllegalStateException("db-scheduler dag handler failed: " + failure.get(), failure.get());
        }
        if (!done) {
            throw new IllegalStateException("db-scheduler finished only " + (jobs - finished.getCount()) + " of "
                    + jobs + " DAG jobs in 5 minutes");
        }
        long t1 = Collections.max(finishedAt.values());
        Latencies makespan = new Latencies();
        Latencies release = new Latencies();
        for (int j = 0; j < jobs; j++) {
            makespan.add(finishedAt.get(j) - created[j]);
            String prefix = j + ":";
            for (String task : dag.taskIds()) {
                List<String> parents = dag.parents(task);
                if (parents.isEmpty()) {
                    continue;
                }
                long released = 0;
                for (String p : parents) {
                    released = Math.max(released, doneAt.get(prefix + p));
                }
                release.add(Math.max(0, claimedAt.get(prefix + task) - released));
            }
        }
        int lost = jobs * dag.size() - claimedAt.size();
        return new TaskDbBench.DagRun(jobs * dag.size() * 1e9 / (t1 - t0), makespan, release, lost, duplicates.get());
    }

    @SuppressWarnings("unchecked")
    private static OneTimeTask<Void>[] newTaskArray() {
        return (OneTimeTask<Void>[]) new OneTimeTask<?>[1];
    }

    // ---------------------------------------------------------------------------------------
    // fair (first phase only: db-scheduler has no notion of users)

    /**
     * User B schedules {@code flood} tasks, user A {@code extra} tasks {@code delayMillis} later;
     * {@code threads} threads run each for {@code taskMillis}. db-scheduler orders by execution
     * time only, so A's tasks wait behind B's. Returns when A's tasks are all done.
     */
    TaskDbBench.SlotLog fairFifo(int threads, int flood, int extra, long delayMillis, long taskMillis)
            throws Exception {
        db.reset();
        TaskDbBench.SlotLog log = new TaskDbBench.SlotLog();
        CountDownLatch aDone = new CountDownLatch(extra);
        OneTimeTask<Void> task = Tasks.oneTime("fair").execute((inst, ctx) -> {
            String user = inst.getId().substring(0, 1);
            long started = System.nanoTime();
            // db-scheduler's fetch is not tied to the handler's thread: "asked" = handler start.
            log.claimed(user, started, started);
            TaskDbBench.sleepMillis(taskMillis);
            log.released(user, System.nanoTime());
            if (user.equals("A")) {
                aDone.countDown();
            }
        });
        Scheduler scheduler = builder(db.timed(), "fair", threads, task).build();
        scheduler.start();
        List<TaskInstance<?>> b = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            b.add(task.instance("B" + i));
        }
        scheduler.scheduleBatch(b, Instant.now());
        Thread.sleep(delayMillis);
        List<TaskInstance<?>> a = new ArrayList<>();
        for (int i = 0; i < extra; i++) {
            a.add(task.instance("A" + i));
        }
        scheduler.scheduleBatch(a, Instant.now());
        log.readyAt("A", BenchDatabase.lastCommitNanos());
        boolean done = aDone.await(5, TimeUnit.MINUTES);
        scheduler.pause();
        scheduler.stop();
        if (!done) {
            throw new IllegalStateException("db-scheduler ran only " + (extra - aDone.getCount()) + " of A's "
                    + extra + " tasks in 5 minutes");
        }
        return log;
    }

    // ---------------------------------------------------------------------------------------
    // lease

    /** One scheduler instance of the lease cell: a "process" with its own executors. */
    private static final class Process {
        final String name;
        final ExecutorService executor;
        final ExecutorService due;
        final ScheduledExecutorService housekeeper;
        volatile boolean killed;
        Scheduler scheduler;

        Process(String name, int threads) {
            this.name = name;
            this.executor = Executors.newFixedThreadPool(threads, daemon(name + "-exec"));
            this.due = Executors.newSingleThreadExecutor(daemon(name + "-due"));
            this.housekeeper = Executors.newScheduledThreadPool(3, daemon(name + "-housekeeper"));
        }

        /**
         * kill -9: no more polling (paused: interrupting its polling thread would not stop it),
         * no more heartbeats, the executions queued here dropped; its running handlers never
         * return.
         */
        void kill() {
            killed = true;
            scheduler.pause();
            housekeeper.shutdownNow();
            executor.shutdownNow();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * {@code processes} scheduler instances of {@code threadsEach} threads share {@code n} tasks of
     * {@code taskMillis}; at {@code killAfterMillis} the first instance is killed (its heartbeats
     * and polling stop, its handlers never finish). Its executions are found dead after
     * {@code heartbeat × 4} without a heartbeat, by a check every {@code 2 × heartbeat}, and
     * revived by db-scheduler's default dead-execution handler: rescheduled for now, which puts
     * them behind every task already waiting (its queue is ordered by execution time).
     */
    TaskDbBench.LeaseRun lease(int n, int processes, int threadsEach, long taskMillis, long killAfterMillis,
            Duration heartbeat) throws Exception {
        // The surviving instances all find the same dead executions and race to revive them; the
        // losers log each failure with a stack trace. Counted here instead of printed.
        Logger logger = Logger.getLogger("com.github.kagkarlsson");
        SevereCounter severe = new SevereCounter();
        logger.addHandler(severe);
        logger.setUseParentHandlers(false);
        try {
            return leaseRun(n, processes, threadsEach, taskMillis, killAfterMillis, heartbeat);
        } finally {
            logger.removeHandler(severe);
            logger.setUseParentHandlers(true);
            if (severe.count > 0) {
                System.out.println("  db-scheduler logged " + severe.count + " errors, the first: " + severe.first);
            }
        }
    }

    private static final class SevereCounter extends Handler {
        volatile int count;
        volatile String first;

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                if (count++ == 0) {
                    first = record.getMessage() + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")");
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private TaskDbBench.LeaseRun leaseRun(int n, int processes, int threadsEach, long taskMillis,
            long killAfterMillis, Duration heartbeat) throws Exception {
        db.reset();
        AtomicIntegerArray completions = new AtomicIntegerArray(n);
        Map<String, Process> byName = new ConcurrentHashMap<>();
        Set<Integer> abandoned = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> reclaimedAt = new ConcurrentHashMap<>();
        AtomicInteger distinctDone = new AtomicInteger();
        OneTimeTask<Void> task = Tasks.oneTime("lease").execute((inst, ctx) -> {
            int i = Integer.parseInt(inst.getId());
            Process me = byName.get(ctx.getExecution().pickedBy);
            if (!me.killed && abandoned.contains(i)) {
                reclaimedAt.putIfAbsent(i, System.nanoTime());
            }
            try {
                Thread.sleep(taskMillis);
            } catch (InterruptedException e) {
                // killed while working: see below
            }
            if (me.killed) {
                abandoned.add(i);
                while (true) {
                    LockSupport.park(); // a dead process's thread: never returns, never completes
                }
            }
            if (completions.incrementAndGet(i) == 1) {
                distinctDone.incrementAndGet();
            }
        });
        List<Process> all = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            Process proc = new Process("p" + p, threadsEach);
            proc.scheduler = builder(db.dataSource(), proc.name, threadsEach, task)
                    .executorService(proc.executor)
                    .dueExecutor(proc.due)
                    .housekeeperExecutor(proc.housekeeper)
                    .heartbeatInterval(heartbeat)
                    .missedHeartbeatsLimit(4)
                    .build();
            byName.put(proc.name, proc);
            all.add(proc);
        }
        List<TaskInstance<?>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(task.instance(String.valueOf(i)));
        }
        all.get(0).scheduler.scheduleBatch(batch, Instant.now());
        long t0 = System.nanoTime();
        all.forEach(p -> p.scheduler.start());
        Thread.sleep(killAfterMillis);
        long killedAt = System.nanoTime();
        all.get(0).kill();
        boolean done = TaskDbBench.awaitCondition(() -> distinctDone.get() >= n, 120_000);
        long t1 = System.nanoTime();
        for (int p = 1; p < processes; p++) {
            all.get(p).scheduler.stop();
        }
        Latencies reclaim = new Latencies();
        int unreclaimed = 0;
        for (int i : abandoned) {
            Long at = reclaimedAt.get(i);
            if (at == null) {
                unreclaimed++;
            } else {
                reclaim.add(at - killedAt);
            }
        }
        int lost = 0;
        int duplicates = 0;
        for (int i = 0; i < n; i++) {
            int c = completions.get(i);
            lost += c == 0 ? 1 : 0;
            duplicates += c > 1 ? 1 : 0;
        }
        if (!done) {
            System.out.println("  db-scheduler lease: only " + distinctDone.get() + " of " + n + " tasks done in 2 minutes");
        }
        return new TaskDbBench.LeaseRun(n * 1e9 / (t1 - t0), abandoned.size(), unreclaimed, reclaim, Double.NaN,
                lost, duplicates, -1);
    }
}
