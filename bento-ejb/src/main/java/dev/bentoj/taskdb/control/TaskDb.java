package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.Completion;
import dev.bentoj.taskdb.entity.CompletionOutcome;
import dev.bentoj.taskdb.entity.FailOutcome;
import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.JobStatus;
import dev.bentoj.taskdb.entity.LeaseStatus;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskCounts;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskDbException.Reason;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.TaskState;
import dev.bentoj.taskdb.entity.TaskView;
import dev.bentoj.taskdb.entity.WorkerType;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The scheduler: jobs as DAGs of tasks in PostgreSQL, claimed by workers with fencing tokens
 * and leases. Semantics in {@code spec/architecture.md} ("TaskDB"); statements in
 * {@link TaskSql}; schema in {@code db/migration/V1__taskdb.sql}.
 *
 * <p>A worker's side of the protocol: {@link #claim(String, Set, int, Duration) claim} (gets
 * tasks with an attempt number), {@link #heartbeat heartbeat} well within the task's
 * {@code timeoutSeconds} (it answers {@link LeaseStatus#CANCELLED} once the job has failed or
 * been aborted), then {@link #complete complete} or {@link #fail fail} quoting the attempt. A
 * planner task creates its dependents with {@link #createTasks} before it completes. Anything
 * quoting an attempt that is no longer current is refused ({@link Reason#STALE_ATTEMPT}): the
 * worker drops the task. When a job ends early, its running tasks are cancelled at once (their
 * stream slots freed); their workers find out at the next heartbeat or report.
 *
 * <p>Every state change is one short transaction on a connection from the {@link DataSource}
 * (pooled by the server); a deadlock victim is retried; a lost connection surfaces as
 * {@link Reason#DATABASE} and the next call gets a fresh one. Tasks that become ready are
 * announced on the {@link ReadyTaskSignal} after commit, which wakes long-poll claims in this
 * JVM. With several server instances on one database, each also announces them to the others
 * ({@link TaskDbOptions#withReadyNotices}, a debounced {@code NOTIFY}) and relays theirs
 * ({@link #listenToOtherInstances}). The owner calls the lease reaper
 * ({@link #reapExpiredLeases}, one instance at a time by an advisory lock) every second or so,
 * and retention ({@link #pruneFinishedJobs}) now and then. Thread-safe; claims of one instance
 * run one statement at a time, in arrival order. Give the pool's connections
 * {@link #CONNECTION_OPTIONS}.
 */
public final class TaskDb implements AutoCloseable {

    /**
     * How the scheduler's connections plan prepared statements: at every execution, for the
     * tables as they are now. By default PostgreSQL's plan cache switches a prepared statement to
     * one generic plan after five executions when that plan looks cheaper, and keeps it until the
     * tables' statistics change. Made while tasks was nearly empty (after the benchmark's
     * TRUNCATE; a new cluster, or one that retention emptied, starts the same way), those plans
     * scan whole tables once the queue has grown: a completion's release of dependents read all
     * of tasks (8,291 pages, 52 ms), and the soak fell behind at a load custom plans keep up with.
     * The claim is the exception: it is planned once per connection, always through indexes
     * ({@code V8__claim_function.sql}), because an idle worker's wake-up waits for it.
     */
    public static final String PLAN_CACHE_MODE = "force_custom_plan";

    /** No JIT compilation: see {@link #CONNECTION_OPTIONS}. */
    private static final String NO_JIT = "-c jit=off";

    /**
     * pgjdbc's {@code options} for a TaskDB pool (the server's, the benchmarks', the tests'):
     * {@link #PLAN_CACHE_MODE}, and no JIT compilation. The scheduler's statements are short index
     * walks whose estimated cost grows with the tables, and past jit_above_cost PostgreSQL
     * compiles them at every execution: 886 ms of a 957-ms claim with 7.7 million tasks queued
     * ({@code V9__claim_without_jit.sql}).
     */
    public static final String CONNECTION_OPTIONS = "-c plan_cache_mode=" + PLAN_CACHE_MODE + " " + NO_JIT;

    /**
     * {@link #CONNECTION_OPTIONS} with another plan_cache_mode (the benchmark compares them).
     * That constant is spelled out, not a call of this, because the server's
     * {@code @DataSourceDefinition} needs a compile-time constant.
     */
    public static String connectionOptions(String planCacheMode) {
        return "-c plan_cache_mode=" + planCacheMode + " " + NO_JIT;
    }

    /** Errors are cut to this many characters before they are stored (upstream: 1024). */
    static final int MAX_ERROR_CHARS = 4000;
    /** Most tasks one claim may take. */
    public static final int MAX_CLAIM = 1000;
    private static final int DEADLOCK_RETRIES = 5;

    private final DataSource dataSource;
    private final TaskDbOptions options;
    private final ReadyTaskSignal signal;
    /** Names this instance in its notices to other instances (so that it skips its own). */
    private final String instanceId = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
    /** NOTIFY to other instances, if {@link TaskDbOptions#readyNotices()}; else null. */
    private final ReadyTaskNotifier notifier;
    private final List<ReadyTaskListener> listeners = new CopyOnWriteArrayList<>();
    /** Stream ids by (user, type), filled after commits; streams are never deleted. */
    private final Map<StreamKey, Long> streamIds = new ConcurrentHashMap<>();
    /**
     * One claim statement in flight per instance, the others queued here in arrival order.
     * Claims of one stream serialise on its row anyway (every claim rewrites the running
     * counter), but only at the end of the statement, after each has locked and skipped the
     * rows the others hold: 16 concurrent claimers drained half as fast as one. Queued in the
     * JVM instead, each claim starts after the previous one committed, so it reads exact running
     * counters (a claim's fair-share decision sees every claim before it) and skips nothing.
     */
    private final Semaphore claimTurn = new Semaphore(1, true);
    /**
     * Results reported while another batch of results commits wait for it and then go together,
     * in one statement and one commit ({@link Combiner}). Each completion of a job locks its row
     * until commit, so concurrent completions of one busy job used to queue there one commit
     * each; a stream with more running tasks queued longer, which kept its slots longer than
     * the scheduler's share gave it (fair cell of ./bench/run taskdb, multipliers 2:1: slots held
     * 14.9 against 13.8 ms, claims 1.84:1; combined, 13.2 against 13.3 ms and 1.95:1).
     */
    private final Combiner<List<Completion>, List<Classified>> resultBatches =
            new Combiner<>(this::completeCombined, TaskDb::fitsOneBatch);
    /** Most results in one combined batch (a caller's own batch may be larger, and goes alone). */
    static final int MAX_COMBINED_RESULTS = 1000;
    /** Where this instance's next reaper pass starts reading leases ({@link #reapUnderLock}). */
    private volatile OffsetDateTime reapedBefore;
    private volatile long lastFullReap = System.nanoTime();
    static final Duration REAPER_SLACK = Duration.ofSeconds(5);
    static final Duration REAPER_FULL_PASS = Duration.ofMinutes(5);

    private record StreamKey(String userId, WorkerType type) {
    }

    public TaskDb(DataSource dataSource) {
        this(dataSource, TaskDbOptions.defaults(), new ReadyTaskSignal());
    }

    public TaskDb(DataSource dataSource, TaskDbOptions options, ReadyTaskSignal signal) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.options = Objects.requireNonNull(options, "options");
        this.signal = Objects.requireNonNull(signal, "signal");
        this.notifier = options.readyNotices()
                ? new ReadyTaskNotifier(dataSource, instanceId, options.noticeInterval()) : null;
    }

    /**
     * Starts relaying other instances' ready notices to this instance's {@link #signal()}: a
     * {@link ReadyTaskListener} on a dedicated connection from {@code unpooledConnections}
     * (each call must open a new pgjdbc connection, such as a {@code PGSimpleDataSource} does:
     * not the server's pool). Those instances need {@link TaskDbOptions#withReadyNotices}; this
     * one too, for them to hear of its work. Stopped by {@link #close()}.
     */
    public ReadyTaskListener listenToOtherInstances(DataSource unpooledConnections) {
        ReadyTaskListener listener = new ReadyTaskListener(unpooledConnections, signal, instanceId);
        listeners.add(listener);
        listener.start();
        return listener;
    }

    /**
     * As {@link #listenToOtherInstances(DataSource)}, connecting with a JDBC URL
     * ({@code jdbc:postgresql://host:5432/bento}) and credentials (the server's pool cannot lend
     * the listener its connection for good, and its connections may be wrapped).
     */
    public ReadyTaskListener listenToOtherInstances(String jdbcUrl, String user, String password) {
        PGSimpleDataSource connections = new PGSimpleDataSource();
        connections.setURL(jdbcUrl);
        connections.setUser(user);
        connections.setPassword(password == null ? "" : password);
        connections.setApplicationName("bento-ready-listener");
        connections.setConnectTimeout(5);
        connections.setTcpKeepAlive(true);
        return listenToOtherInstances(connections);
    }

    /** Stops the notices to and from other instances (the scheduler itself holds nothing else). */
    @Override
    public void close() {
        listeners.forEach(ReadyTaskListener::close);
        listeners.clear();
        if (notifier != null) {
            notifier.close();
        }
    }

    /** The wake-up signal of this scheduler (for relaying notices from other instances). */
    public ReadyTaskSignal signal() {
        return signal;
    }

    public TaskDbOptions options() {
        return options;
    }

    // ---------------------------------------------------------------------------------------
    // Jobs and tasks

    /**
     * Creates a running job for {@code userId} with its first tasks (usually just {@code init}),
     * in one transaction, and returns its id.
     */
    public UUID createJob(String userId, List<TaskSpec> tasks) {
        requireUser(userId);
        requireTasks(tasks);
        Map<WorkerType, Integer> ready = new EnumMap<>(WorkerType.class);
        Set<WorkerType> noticed = EnumSet.noneOf(WorkerType.class);
        Map<StreamKey, Long> learned = new HashMap<>();
        UUID jobId = inTransaction(c -> {
            ready.clear();
            noticed.clear();
            learned.clear();
            Map<WorkerType, Long> streams = streamIds(c, userId, typesOf(tasks), learned);
            UUID id;
            long seq;
            try (PreparedStatement ps = c.prepareStatement(TaskSql.INSERT_JOB)) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getObject(1, UUID.class);
                    seq = rs.getLong(2);
                }
            }
            insertTasks(c, id, seq, streams, tasks, ready, false);
            noticed.addAll(notifyOtherInstances(c, ready));
            return id;
        });
        streamIds.putAll(learned);
        announce(ready, noticed);
        return jobId;
    }

    /**
     * Adds tasks to a running job in one transaction: inserts them and their dependency edges,
     * sets each one's waiting_on to its prerequisites not yet done (ready at once if none) and
     * adds them to the job's remaining count. Task ids already in the job are skipped, so a
     * replayed batch is harmless. Dependencies may name tasks of this batch or created earlier.
     *
     * @return how many tasks were new
     * @throws TaskDbException NOT_FOUND (no such job), JOB_NOT_RUNNING (failed, aborted or
     *     finished), INVALID_REQUEST (unknown dependency, cycle, duplicate id, invalid JSON)
     */
    public int createTasks(UUID jobId, List<TaskSpec> tasks) {
        Objects.requireNonNull(jobId, "jobId");
        requireTasks(tasks);
        Map<WorkerType, Integer> ready = new EnumMap<>(WorkerType.class);
        Set<WorkerType> noticed = EnumSet.noneOf(WorkerType.class);
        Map<StreamKey, Long> learned = new HashMap<>();
        int created = inTransaction(c -> {
            ready.clear();
            noticed.clear();
            learned.clear();
            JobRow job = lockJob(c, jobId);
            if (job.state != JobState.RUNNING) {
                throw new TaskDbException(Reason.JOB_NOT_RUNNING, "job " + jobId + " is "
                        + job.state.id() + ": it takes no new tasks; stop working on it");
            }
            Map<WorkerType, Long> streams = streamIds(c, job.userId, typesOf(tasks), learned);
            int inserted = insertTasks(c, jobId, job.seq, streams, tasks, ready, true);
            noticed.addAll(notifyOtherInstances(c, ready));
            return inserted;
        });
        streamIds.putAll(learned);
        announce(ready, noticed);
        return created;
    }

    /**
     * Inserts the new tasks of a batch, their edges, and the job's remaining count; the job is
     * locked (or new: {@code jobHasTasks} false, nothing to look up).
     */
    private int insertTasks(Connection c, UUID jobId, long jobSeq, Map<WorkerType, Long> streams,
            List<TaskSpec> tasks, Map<WorkerType, Integer> ready, boolean jobHasTasks) throws SQLException {
        Map<String, TaskState> existing = jobHasTasks ? existingStates(c, jobId, tasks) : Map.of();
        List<TaskSpec> fresh = tasks.stream().filter(t -> !existing.containsKey(t.taskId())).toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        Set<String> freshIds = new HashSet<>();
        fresh.forEach(t -> freshIds.add(t.taskId()));
        for (TaskSpec t : fresh) {
            for (String dep : t.dependsOn()) {
                if (!existing.containsKey(dep) && !freshIds.contains(dep)) {
                    throw new TaskDbException(Reason.INVALID_REQUEST, "task '" + t.taskId() + "' of job "
                            + jobId + " depends on '" + dep + "', which is neither in the job nor in this batch");
                }
            }
        }
        requireAcyclic(jobId, fresh, freshIds);

        int n = fresh.size();
        String[] ids = new String[n];
        String[] types = new String[n];
        Long[] streamOf = new Long[n];
        Integer[] waitingOn = new Integer[n];
        Integer[] maxAttempts = new Integer[n];
        Integer[] timeouts = new Integer[n];
        String[] payloads = new String[n];
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskSpec t = fresh.get(i);
            ids[i] = t.taskId();
            types[i] = t.type().id();
            streamOf[i] = streams.get(t.type());
            int waiting = 0;
            for (String dep : new LinkedHashSet<>(t.dependsOn())) {
                if (existing.get(dep) != TaskState.DONE) {
                    waiting++;
                }
                pre.add(dep);
                post.add(t.taskId());
            }
            waitingOn[i] = waiting;
            maxAttempts[i] = t.maxAttempts();
            timeouts[i] = t.timeoutSeconds();
            payloads[i] = t.payloadJson();
        }
        int inserted = 0;
        Map<Long, Long> leastReadySeq = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(TaskSql.INSERT_TASKS)) {
            ps.setObject(1, jobId);
            ps.setLong(2, jobSeq);
            ps.setArray(3, c.createArrayOf("text", ids));
            ps.setArray(4, c.createArrayOf("text", types));
            ps.setArray(5, c.createArrayOf("bigint", streamOf));
            ps.setArray(6, c.createArrayOf("integer", waitingOn));
            ps.setArray(7, c.createArrayOf("integer", maxAttempts));
            ps.setArray(8, c.createArrayOf("integer", timeouts));
            ps.setArray(9, c.createArrayOf("text", payloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted++;
                    if (TaskState.fromId(rs.getString(3)) == TaskState.READY) {
                        ready.merge(WorkerType.fromId(rs.getString(2)), 1, Integer::sum);
                        leastReadySeq.merge(rs.getLong(4), rs.getLong(5), Math::min);
                    }
                }
            }
        }
        if (inserted != n) {
            // The job lock keeps other creators out, so this cannot happen short of a bug.
            throw new IllegalStateException("job " + jobId + ": inserted " + inserted + " of " + n + " new tasks");
        }
        if (!pre.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(TaskSql.INSERT_DEPS)) {
                ps.setObject(1, jobId);
                ps.setArray(2, c.createArrayOf("text", pre.toArray()));
                ps.setArray(3, c.createArrayOf("text", post.toArray()));
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(TaskSql.ADD_REMAINING)) {
            ps.setInt(1, inserted);
            ps.setObject(2, jobId);
            ps.executeUpdate();
        }
        if (!leastReadySeq.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(TaskSql.LOWER_CLAIM_FROM)) {
                ps.setLong(1, jobSeq);
                ps.setArray(2, c.createArrayOf("bigint", leastReadySeq.keySet().toArray()));
                ps.setArray(3, c.createArrayOf("bigint", leastReadySeq.values().toArray()));
                ps.execute(); // one row: the check that the current generations were updated
            }
        }
        return inserted;
    }

    /** States of the job's existing tasks among the batch's ids and its dependencies. */
    private static Map<String, TaskState> existingStates(Connection c, UUID jobId, List<TaskSpec> tasks)
            throws SQLException {
        Set<String> lookup = new HashSet<>();
        for (TaskSpec t : tasks) {
            lookup.add(t.taskId());
            lookup.addAll(t.dependsOn());
        }
        Map<String, TaskState> existing = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TaskSql.TASK_STATES)) {
            ps.setObject(1, jobId);
            ps.setArray(2, c.createArrayOf("text", lookup.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1), TaskState.fromId(rs.getString(2)));
                }
            }
        }
        return existing;
    }

    /** Kahn's algorithm over the batch's own edges (edges to existing tasks cannot close a cycle). */
    private static void requireAcyclic(UUID jobId, List<TaskSpec> fresh, Set<String> freshIds) {
        Map<String, Integer> indegree = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (TaskSpec t : fresh) {
            indegree.putIfAbsent(t.taskId(), 0);
            for (String dep : new LinkedHashSet<>(t.dependsOn())) {
                if (freshIds.contains(dep)) {
                    indegree.merge(t.taskId(), 1, Integer::sum);
                    children.computeIfAbsent(dep, k -> new ArrayList<>()).add(t.taskId());
                }
            }
        }
        ArrayDeque<String> free = new ArrayDeque<>();
        indegree.forEach((id, d) -> {
            if (d == 0) {
                free.add(id);
            }
        });
        int seen = 0;
        while (!free.isEmpty()) {
            String id = free.poll();
            seen++;
            for (String child : children.getOrDefault(id, List.of())) {
                if (indegree.merge(child, -1, Integer::sum) == 0) {
                    free.add(child);
                }
            }
        }
        if (seen != indegree.size()) {
            List<String> stuck = indegree.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(Map.Entry::getKey).sorted().toList();
            throw new TaskDbException(Reason.INVALID_REQUEST, "tasks of job " + jobId
                    + " depend on each other in a cycle: " + stuck);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Claims

    /**
     * Claims up to {@code max} ready tasks of the given worker types, now, in one statement:
     * fairly across streams (reservations first, then the lowest running / multiplier), then
     * oldest job first, then task order. Each claim carries its attempt number (the fencing
     * token) and lease. Returns an empty list if there is no claimable work.
     */
    public List<TaskClaim> claim(String workerId, Set<WorkerType> types, int max) {
        requireClaim(workerId, types, max);
        String[] typeIds = types.stream().map(WorkerType::id).toArray(String[]::new);
        claimTurn.acquireUninterruptibly();
        try {
            return claimNow(workerId, typeIds, max);
        } finally {
            claimTurn.release();
        }
    }

    private List<TaskClaim> claimNow(String workerId, String[] typeIds, int max) {
        return withConnection(c -> {
            List<TaskClaim> claims = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(TaskSql.CLAIM)) {
                ps.setInt(1, max);
                ps.setArray(2, c.createArrayOf("text", typeIds));
                ps.setString(3, workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claims.add(new TaskClaim(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                                WorkerType.fromId(rs.getString(4)), rs.getString(5), instant(rs, 6),
                                rs.getInt(7), rs.getInt(8)));
                    }
                }
            }
            return claims;
        });
    }

    /**
     * Long-poll claim: as {@link #claim(String, Set, int)}, but when there is no work, waits up
     * to {@code wait} for tasks of these types to become ready (woken in-JVM the moment they do,
     * and re-checking at least every {@link TaskDbOptions#wakeBackstop()}), then claims them.
     * Returns an empty list if the wait ends with nothing claimed.
     */
    public List<TaskClaim> claim(String workerId, Set<WorkerType> types, int max, Duration wait)
            throws InterruptedException {
        requireClaim(workerId, types, max);
        long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
        long backstop = options.wakeBackstop().toNanos();
        while (true) {
            long seen = signal.version(types);
            List<TaskClaim> claims = claim(workerId, types, max);
            long left = deadline - System.nanoTime();
            if (!claims.isEmpty() || left <= 0) {
                return claims;
            }
            signal.await(types, seen, Math.min(left, backstop));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Running tasks: heartbeat, done, failed

    /**
     * Extends the lease of the current attempt by the task's timeout.
     *
     * @return {@link LeaseStatus#EXTENDED}, or {@link LeaseStatus#CANCELLED} if the job failed
     *     or was aborted meanwhile (stop working; a result would be refused)
     * @throws TaskDbException STALE_ATTEMPT if the attempt is no longer current (the lease expired
     *     and the task was requeued or re-claimed): stop working; NOT_FOUND
     */
    public LeaseStatus heartbeat(UUID jobId, String taskId, int attempt) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(TaskSql.HEARTBEAT)) {
                ps.setObject(1, jobId);
                ps.setString(2, taskId);
                ps.setInt(3, attempt);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return LeaseStatus.EXTENDED;
                    }
                }
            }
            Fence fence = fence(c, jobId, taskId);
            if (fence != null && fence.state == TaskState.CANCELLED && fence.attempt == attempt) {
                return LeaseStatus.CANCELLED;
            }
            throw refusal(jobId, taskId, attempt, fence, "heartbeat");
        });
    }

    /**
     * Records the result of the current attempt: the task is done, dependents whose last
     * prerequisite it was become ready, and the job succeeds if it was its last task. One
     * transaction, O(dependents).
     *
     * @return {@link CompletionOutcome#COMPLETED}, or {@link CompletionOutcome#ALREADY_COMPLETED}
     *     if this attempt's result had already been recorded (a retried request)
     * @throws TaskDbException STALE_ATTEMPT (the attempt lost its lease: result refused),
     *     JOB_NOT_RUNNING (job failed or aborted: result discarded), NOT_FOUND, INVALID_REQUEST
     *     (output is not JSON)
     */
    public CompletionOutcome complete(UUID jobId, String taskId, int attempt, String outputJson) {
        Classified c = resultBatches.run(List.of(new Completion(jobId, taskId, attempt, outputJson))).get(0);
        return switch (c.outcome) {
            case COMPLETED, ALREADY_COMPLETED -> c.outcome;
            default -> throw refusal(jobId, taskId, attempt, c.fence, "result");
        };
    }

    /**
     * Records many results in one transaction, two statements and one round trip (a worker or
     * the work API may batch them): each is fenced on its own, and its outcome is reported, in
     * input order, instead of an exception. A task may appear only once per batch. Results that
     * other callers report meanwhile may share the transaction ({@link Combiner}); a batch
     * that fails as a whole (a result that is not JSON) is split again, so only its caller sees
     * the error.
     */
    public List<CompletionOutcome> completeAll(List<Completion> completions) {
        Objects.requireNonNull(completions, "completions");
        if (completions.isEmpty()) {
            return List.of();
        }
        return resultBatches.run(List.copyOf(completions)).stream().map(Classified::outcome).toList();
    }

    /** Several callers' results as one batch, each caller's outcomes returned to it. */
    private List<List<Classified>> completeCombined(List<List<Completion>> requests) {
        if (requests.size() == 1) {
            return List.of(completeBatch(requests.get(0)));
        }
        List<Classified> all = completeBatch(requests.stream().flatMap(List::stream).toList());
        List<List<Classified>> out = new ArrayList<>(requests.size());
        int from = 0;
        for (List<Completion> r : requests) {
            out.add(all.subList(from, from + r.size()));
            from += r.size();
        }
        return out;
    }

    /**
     * A caller's results join a batch while it stays at most {@link #MAX_COMBINED_RESULTS}. A
     * task named by two callers at once (a retried request racing itself) is not checked here:
     * completeBatch refuses the batch before any SQL, and the combiner then runs each caller
     * alone, which answers the second ALREADY_COMPLETED.
     */
    private static boolean fitsOneBatch(List<List<Completion>> batch, List<Completion> next) {
        int size = next.size();
        for (List<Completion> r : batch) {
            size += r.size();
        }
        return size <= MAX_COMBINED_RESULTS;
    }

    private record Classified(CompletionOutcome outcome, Fence fence) {
    }

    private List<Classified> completeBatch(List<Completion> completions) {
        Objects.requireNonNull(completions, "completions");
        if (completions.isEmpty()) {
            return List.of();
        }
        int n = completions.size();
        Set<String> keys = new HashSet<>();
        UUID[] jobIds = new UUID[n];
        String[] taskIds = new String[n];
        Integer[] attempts = new Integer[n];
        String[] outputs = new String[n];
        for (int i = 0; i < n; i++) {
            Completion d = completions.get(i);
            if (!keys.add(d.jobId() + "/" + d.taskId())) {
                throw new TaskDbException(Reason.INVALID_REQUEST, "task '" + d.taskId() + "' of job "
                        + d.jobId() + " appears twice in one batch of results");
            }
            jobIds[i] = d.jobId();
            taskIds[i] = d.taskId();
            attempts[i] = d.attempt();
            outputs[i] = d.outputJson();
        }
        UUID[] distinctJobs = new LinkedHashSet<>(List.of(jobIds)).toArray(UUID[]::new);
        Map<WorkerType, Integer> ready = new EnumMap<>(WorkerType.class);
        // Autocommit: the driver sends both statements and one Sync, and PostgreSQL runs what
        // comes before a Sync as one transaction, committed at the Sync. Locks, completion and
        // commit thus take one round trip, and the job and counter rows that every completion of
        // a busy job queues on are held for no round trip at all.
        List<Classified> result = withConnection(c -> {
            ready.clear();
            Set<String> done = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(TaskSql.LOCK_JOBS_THEN_COMPLETE)) {
                ps.setArray(1, c.createArrayOf("uuid", distinctJobs));
                ps.setArray(2, c.createArrayOf("uuid", jobIds));
                ps.setArray(3, c.createArrayOf("text", taskIds));
                ps.setArray(4, c.createArrayOf("integer", attempts));
                ps.setArray(5, c.createArrayOf("text", outputs));
                ps.execute(); // the first result is LOCK_JOBS': locking is the point, its rows are not needed
                if (!ps.getMoreResults()) {
                    throw new SQLException("no result from the completion statement");
                }
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        switch (rs.getString(1)) {
                            case "done" -> done.add(rs.getString(2) + "/" + rs.getString(3));
                            case "ready" -> ready.merge(WorkerType.fromId(rs.getString(2)), 1, Integer::sum);
                            default -> { } // 'succeeded': the job row says so
                        }
                    }
                }
            }
            List<Classified> out = new ArrayList<>(n);
            // Why the others were refused, read after the commit: a diagnosis, which a later
            // change of those tasks can only make more current.
            Map<String, Fence> fences = done.size() == n ? Map.of() : fences(c, jobIds, taskIds, done);
            for (int i = 0; i < n; i++) {
                String key = jobIds[i] + "/" + taskIds[i];
                if (done.contains(key)) {
                    out.add(new Classified(CompletionOutcome.COMPLETED, null));
                    continue;
                }
                Fence f = fences.get(key);
                CompletionOutcome o;
                if (f == null) {
                    o = CompletionOutcome.NOT_FOUND;
                } else if (f.attempt == attempts[i] && f.state == TaskState.DONE) {
                    o = CompletionOutcome.ALREADY_COMPLETED;
                } else if (f.attempt == attempts[i] && f.state == TaskState.CANCELLED) {
                    o = CompletionOutcome.JOB_NOT_RUNNING;
                } else {
                    o = CompletionOutcome.STALE_ATTEMPT;
                }
                out.add(new Classified(o, f));
            }
            return out;
        });
        // Committed already, so the other instances hear of released dependents from the
        // notifier's thread: at once after a quiet spell, as part of a trailing notice otherwise.
        announce(ready, Set.of());
        return result;
    }

    /**
     * Records that the current attempt failed. If {@code retryable} and attempts are left, the
     * task is ready again after a back-off ({@link TaskDbOptions#backoffAfter}); otherwise it
     * fails, its job fails with this error, and the job's other tasks are cancelled.
     *
     * @throws TaskDbException STALE_ATTEMPT, JOB_NOT_RUNNING, NOT_FOUND (as for a result)
     */
    public FailOutcome fail(UUID jobId, String taskId, int attempt, String error, boolean retryable) {
        return failAttempt(jobId, taskId, attempt, error, retryable, false);
    }

    /**
     * The fenced failure path, shared by workers' reports and the lease reaper (which passes
     * {@code onlyIfLeaseExpired}: a heartbeat that got in first wins, and null is returned).
     */
    private FailOutcome failAttempt(UUID jobId, String taskId, int attempt, String error,
            boolean retryable, boolean onlyIfLeaseExpired) {
        String message = truncate(error == null || error.isBlank() ? "no error message given" : error);
        WorkerType[] requeuedType = new WorkerType[1];
        Duration[] requeuedAfter = new Duration[1];
        Set<WorkerType> noticed = EnumSet.noneOf(WorkerType.class);
        FailOutcome outcome = inTransaction(c -> {
            requeuedType[0] = null;
            noticed.clear();
            JobRow job = lockJob(c, jobId);
            TaskRow task;
            try (PreparedStatement ps = c.prepareStatement(TaskSql.LOCK_TASK)) {
                ps.setObject(1, jobId);
                ps.setString(2, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw refusal(jobId, taskId, attempt, null, "failure report");
                    }
                    task = new TaskRow(TaskState.fromId(rs.getString(1)), rs.getInt(2), rs.getInt(3),
                            rs.getLong(4), WorkerType.fromId(rs.getString(5)), rs.getBoolean(6),
                            rs.getLong(7), rs.getLong(8));
                }
            }
            if (task.state != TaskState.RUNNING || task.attempt != attempt) {
                if (task.state == TaskState.FAILED && task.attempt == attempt) {
                    return FailOutcome.TASK_FAILED; // a repeated report
                }
                throw refusal(jobId, taskId, attempt, new Fence(task.state, task.attempt), "failure report");
            }
            if (onlyIfLeaseExpired && !task.leaseExpired) {
                return null;
            }
            boolean retry = retryable && task.attempt < task.maxAttempts && job.state == JobState.RUNNING;
            if (retry) {
                // An expired lease already waited out its timeout, and the task itself did not fail:
                // it is ready again at once. Back-off is for attempts that reported a failure.
                Duration backoff = onlyIfLeaseExpired ? Duration.ZERO : options.backoffAfter(task.attempt);
                try (PreparedStatement ps = c.prepareStatement(TaskSql.REQUEUE_TASK)) {
                    ps.setDouble(1, backoff.toNanos() / 1e9);
                    ps.setString(2, message);
                    ps.setObject(3, jobId);
                    ps.setString(4, taskId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(TaskSql.RELEASE_REQUEUED_SLOT)) {
                    ps.setLong(1, task.jobSeq);
                    ps.setLong(2, task.seq);
                    ps.setLong(3, task.streamId);
                    ps.execute();
                }
                requeuedType[0] = task.type;
                requeuedAfter[0] = backoff;
                if (backoff.isZero()) {
                    noticed.addAll(notifyOtherInstances(c, Map.of(task.type, 1)));
                }
                return FailOutcome.RETRY_SCHEDULED;
            }
            try (PreparedStatement ps = c.prepareStatement(TaskSql.FAIL_TASK)) {
                ps.setString(1, message);
                ps.setObject(2, jobId);
                ps.setString(3, taskId);
                ps.executeUpdate();
            }
            String why = task.attempt >= task.maxAttempts && retryable
                    ? " after " + task.attempt + " attempt" + (task.attempt == 1 ? "" : "s") : "";
            endJob(c, jobId, JobState.FAILED, truncate("task '" + taskId + "' (" + task.type.id() + ") failed"
                    + why + ": " + message), task.streamId);
            return FailOutcome.TASK_FAILED;
        });
        if (requeuedType[0] != null) {
            signal.readyIn(requeuedType[0], requeuedAfter[0]);
            if (notifier != null && !noticed.contains(requeuedType[0])) {
                notifier.readyIn(requeuedType[0], requeuedAfter[0]);
            }
        }
        return outcome;
    }

    private record TaskRow(TaskState state, int attempt, int maxAttempts, long streamId,
            WorkerType type, boolean leaseExpired, long jobSeq, long seq) {
    }

    /**
     * One pass of the lease reaper: every running attempt whose lease expired (up to
     * {@link TaskDbOptions#reapBatchSize()}) fails as a retryable failure: requeued with back-off
     * while attempts are left, else the task and its job fail. Call it every second or so, from
     * every server instance: a pass first takes a transaction-level advisory lock
     * ({@link TaskSql#TRY_REAPER_LOCK}) and does nothing if another instance's reaper holds it, so
     * one reaper runs at a time. The lock is held by a transaction left open on a connection of
     * its own for the pass (two connections in all); each requeue is its own fenced transaction,
     * so even without the lock (its connection lost mid-pass) no attempt is requeued twice.
     *
     * @return how many attempts were reaped (0 also when another instance is reaping)
     */
    public int reapExpiredLeases() {
        return reapExpiredLeases(job -> { });
    }

    /**
     * As {@link #reapExpiredLeases()}; {@code jobFailed} hears of each job that failed because
     * its task ran out of attempts (its intermediates can go), after that failure committed.
     */
    public int reapExpiredLeases(Consumer<UUID> jobFailed) {
        try (Connection guard = dataSource.getConnection()) {
            guard.setAutoCommit(false);
            try {
                OffsetDateTime passStart;
                try (PreparedStatement ps = guard.prepareStatement(TaskSql.TRY_REAPER_LOCK)) {
                    ps.setLong(1, TaskSql.REAPER_LOCK_KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            return 0;
                        }
                        passStart = rs.getObject(2, OffsetDateTime.class);
                    }
                }
                return reapUnderLock(passStart, jobFailed);
            } finally {
                rollbackQuietly(guard); // ends the transaction: releases the lock
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * One reaper pass. Reads expired leases from {@link #reapedBefore} on, and afterwards moves it
     * up: to {@code passStart} (the guard transaction's now(), before the pass read anything)
     * less {@link #REAPER_SLACK} when the pass saw them all, else to the
     * last lease it handled (equal leases are read again). Every running task with a lease below
     * it has been reaped then, and new leases are later still: claims and heartbeats set now() +
     * timeout. The slack covers a lease written by a transaction that began before the pass and
     * committed after it; a pass from the start every {@link #REAPER_FULL_PASS} (and the first
     * pass of an instance) covers anything stranger.
     */
    private int reapUnderLock(OffsetDateTime passStart, Consumer<UUID> jobFailed) {
        record Expired(UUID jobId, String taskId, int attempt, String workerId, int timeoutSeconds,
                OffsetDateTime lease) {
        }
        long now = System.nanoTime();
        if (now - lastFullReap > REAPER_FULL_PASS.toNanos()) {
            reapedBefore = null;
            lastFullReap = now;
        }
        OffsetDateTime from = reapedBefore;
        List<Expired> expired = withConnection(c -> {
            List<Expired> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(TaskSql.EXPIRED_LEASES)) {
                ps.setObject(1, from);
                ps.setInt(2, options.reapBatchSize());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Expired(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                                rs.getString(4), rs.getInt(5), rs.getObject(6, OffsetDateTime.class)));
                    }
                }
            }
            return rows;
        });
        int reaped = 0;
        for (Expired e : expired) {
            String error = "lease expired: worker " + e.workerId() + " sent no heartbeat for "
                    + e.timeoutSeconds() + " s (attempt " + e.attempt() + ")";
            try {
                FailOutcome outcome = failAttempt(e.jobId(), e.taskId(), e.attempt(), error, true, true);
                if (outcome != null) {
                    reaped++;
                }
                if (outcome == FailOutcome.TASK_FAILED) {
                    jobFailed.accept(e.jobId());
                }
            } catch (TaskDbException raced) {
                if (raced.reason() == Reason.DATABASE) {
                    throw raced;
                }
                // completed, failed or cancelled in the meantime: nothing to reap
            }
        }
        reapedBefore = expired.size() < options.reapBatchSize()
                ? passStart.minus(REAPER_SLACK) : expired.get(expired.size() - 1).lease();
        return reaped;
    }

    // ---------------------------------------------------------------------------------------
    // Retention

    /**
     * Jobs pruned per transaction by {@link #pruneFinishedJobs(Duration)}: a few thousand task
     * rows for ordinary jobs, some 0.1 s of locks and WAL per transaction.
     */
    static final int PRUNE_BATCH_JOBS = 50;

    /**
     * Retention: deletes the task rows (and dependency edges) of jobs that ended (succeeded,
     * failed, aborted, timed out) more than {@code olderThan} ago, in transactions of at most
     * {@value #PRUNE_BATCH_JOBS} jobs, until none is left. Job rows stay: {@link #jobStatus}
     * still answers with the state, error, times and stats (a job without stats keeps its first
     * task's output as stats); task counts, outputs and {@link #tasksOf} are gone. Running jobs
     * are never touched. Safe to run on several instances at once.
     *
     * @return how many jobs were pruned
     */
    public int pruneFinishedJobs(Duration olderThan) {
        return pruneFinishedJobs(olderThan, PRUNE_BATCH_JOBS);
    }

    int pruneFinishedJobs(Duration olderThan, int batchJobs) {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative");
        }
        double seconds = olderThan.toNanos() / 1e9;
        int total = 0;
        while (true) {
            int pruned = inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(TaskSql.PRUNE_FINISHED_JOBS)) {
                    ps.setDouble(1, seconds);
                    ps.setInt(2, batchJobs);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            total += pruned;
            if (pruned < batchJobs) {
                return total;
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Ending jobs

    /**
     * Aborts a running job (→ aborted): its pending, ready and running tasks are cancelled;
     * running workers learn it at their next heartbeat.
     *
     * @return {@code false} if the job had already ended
     * @throws TaskDbException NOT_FOUND
     */
    public boolean abortJob(UUID jobId) {
        return endJob(jobId, JobState.ABORTED, null);
    }

    /** Fails a running job with {@code error}, cancelling its tasks; {@code false} if already ended. */
    public boolean failJob(UUID jobId, String error) {
        return endJob(jobId, JobState.FAILED, truncate(error));
    }

    /** Ends a running job as timed out (its deadline passed); {@code false} if already ended. */
    public boolean timeOutJob(UUID jobId, String error) {
        return endJob(jobId, JobState.TIMED_OUT, truncate(error));
    }

    private boolean endJob(UUID jobId, JobState state, String error) {
        return inTransaction(c -> {
            JobRow job = lockJob(c, jobId);
            return job.state == JobState.RUNNING && endJob(c, jobId, state, error, null);
        });
    }

    /** Ends the (locked) job; {@code failedStream}: the stream of a task that just failed, or null. */
    private static boolean endJob(Connection c, UUID jobId, JobState state, String error, Long failedStream)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TaskSql.END_JOB)) {
            ps.setString(1, state.id());
            ps.setString(2, error);
            ps.setObject(3, jobId);
            ps.setObject(4, jobId);
            ps.setObject(5, jobId);
            ps.setObject(6, failedStream, Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reads and job bookkeeping

    /** The job's status, or empty if there is no such job. Scoping by user is the caller's. */
    public Optional<JobStatus> jobStatus(UUID jobId) {
        return withConnection(c -> {
            String userId;
            JobState state;
            String error;
            String progress;
            String stats;
            Instant created;
            Instant started;
            Instant finished;
            double elapsed;
            int remaining;
            try (PreparedStatement ps = c.prepareStatement(TaskSql.JOB_STATUS)) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    userId = rs.getString(1);
                    state = JobState.fromId(rs.getString(2));
                    error = rs.getString(3);
                    progress = rs.getString(4);
                    stats = rs.getString(5);
                    created = instant(rs, 6);
                    started = instant(rs, 7);
                    finished = instant(rs, 8);
                    elapsed = rs.getDouble(9);
                    remaining = rs.getInt(10);
                }
            }
            Map<WorkerType, TaskCounts> counts = new EnumMap<>(WorkerType.class);
            try (PreparedStatement ps = c.prepareStatement(TaskSql.JOB_TASK_COUNTS)) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        WorkerType type = WorkerType.fromId(rs.getString(1));
                        counts.put(type, TaskCounts.add(counts.get(type), TaskState.fromId(rs.getString(2)),
                                rs.getInt(3)));
                    }
                }
            }
            return Optional.of(new JobStatus(jobId, userId, state, error, progress, stats, created, started,
                    finished, elapsed, remaining, Map.copyOf(counts)));
        });
    }

    /** Sets the job's progress text (the API's {@code state}: {@code ProveSegments: 3/8}, …). */
    public void setJobProgress(UUID jobId, String progress) {
        updateJob(TaskSql.SET_PROGRESS, progress, jobId);
    }

    /** Sets the job's statistics (JSON). */
    public void setJobStats(UUID jobId, String statsJson) {
        updateJob(TaskSql.SET_STATS, statsJson, jobId);
    }

    private void updateJob(String sql, String value, UUID jobId) {
        int rows = withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, value);
                ps.setObject(2, jobId);
                return ps.executeUpdate();
            }
        });
        if (rows == 0) {
            throw new TaskDbException(Reason.NOT_FOUND, "job " + jobId + " not found");
        }
    }

    /** A task's output JSON, if the task exists and has one. */
    public Optional<String> taskOutput(UUID jobId, String taskId) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(TaskSql.TASK_OUTPUT)) {
                ps.setObject(1, jobId);
                ps.setString(2, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Every task of a job, in creation order. */
    public List<TaskView> tasksOf(UUID jobId) {
        return withConnection(c -> {
            List<TaskView> tasks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(TaskSql.TASKS_OF)) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new TaskView(rs.getObject(1, UUID.class), rs.getString(2),
                                WorkerType.fromId(rs.getString(3)), TaskState.fromId(rs.getString(4)),
                                rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getString(12), instant(rs, 13),
                                instant(rs, 14), instant(rs, 15), instant(rs, 16), instant(rs, 17)));
                    }
                }
            }
            return tasks;
        });
    }

    /** Ready tasks per worker type across all users (a metrics gauge). */
    public Map<WorkerType, Long> readyCounts() {
        return withConnection(c -> {
            Map<WorkerType, Long> counts = new EnumMap<>(WorkerType.class);
            for (WorkerType t : WorkerType.values()) {
                counts.put(t, 0L);
            }
            try (PreparedStatement ps = c.prepareStatement(TaskSql.READY_COUNTS);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(WorkerType.fromId(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private record JobRow(String userId, JobState state, long seq) {
    }

    private static JobRow lockJob(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TaskSql.LOCK_JOB)) {
            ps.setObject(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new TaskDbException(Reason.NOT_FOUND, "job " + jobId + " not found");
                }
                return new JobRow(rs.getString(1), JobState.fromId(rs.getString(2)), rs.getLong(3));
            }
        }
    }

    /**
     * The user's stream ids for these types: from the cache, else created if missing and looked
     * up in the caller's transaction; what was looked up goes to {@code learned}, which the caller
     * adds to the cache only after its commit (streams are never deleted, so entries never go
     * stale). DO NOTHING on conflict: an existing stream row is not locked.
     */
    private Map<WorkerType, Long> streamIds(Connection c, String userId, Set<WorkerType> types,
            Map<StreamKey, Long> learned) throws SQLException {
        Map<WorkerType, Long> ids = new EnumMap<>(WorkerType.class);
        List<String> missing = new ArrayList<>();
        for (WorkerType t : types) {
            Long id = streamIds.get(new StreamKey(userId, t));
            if (id == null) {
                missing.add(t.id());
            } else {
                ids.put(t, id);
            }
        }
        if (missing.isEmpty()) {
            return ids;
        }
        Object[] names = missing.toArray();
        try (PreparedStatement ps = c.prepareStatement(TaskSql.ENSURE_STREAMS)) {
            ps.setString(1, userId);
            ps.setArray(2, c.createArrayOf("text", names));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(TaskSql.FIND_STREAMS)) {
            ps.setString(1, userId);
            ps.setArray(2, c.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    WorkerType t = WorkerType.fromId(rs.getString(1));
                    ids.put(t, rs.getLong(2));
                    learned.put(new StreamKey(userId, t), rs.getLong(2));
                }
            }
        }
        return ids;
    }

    private record Fence(TaskState state, int attempt) {
    }

    private static Fence fence(Connection c, UUID jobId, String taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TaskSql.TASK_FENCE)) {
            ps.setObject(1, jobId);
            ps.setString(2, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Fence(TaskState.fromId(rs.getString(1)), rs.getInt(2)) : null;
            }
        }
    }

    private static Map<String, Fence> fences(Connection c, UUID[] jobIds, String[] taskIds, Set<String> skip)
            throws SQLException {
        List<UUID> jobs = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < jobIds.length; i++) {
            if (!skip.contains(jobIds[i] + "/" + taskIds[i])) {
                jobs.add(jobIds[i]);
                tasks.add(taskIds[i]);
            }
        }
        Map<String, Fence> fences = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TaskSql.TASK_FENCES)) {
            ps.setArray(1, c.createArrayOf("uuid", jobs.toArray()));
            ps.setArray(2, c.createArrayOf("text", tasks.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fences.put(rs.getObject(1, UUID.class) + "/" + rs.getString(2),
                            new Fence(TaskState.fromId(rs.getString(3)), rs.getInt(4)));
                }
            }
        }
        return fences;
    }

    /** The exception for a fenced request that matched no current attempt, with what to do. */
    private static TaskDbException refusal(UUID jobId, String taskId, int attempt, Fence fence, String what) {
        String task = "task '" + taskId + "' of job " + jobId;
        if (fence == null) {
            return new TaskDbException(Reason.NOT_FOUND, task + " not found");
        }
        if (fence.state == TaskState.CANCELLED && fence.attempt == attempt) {
            return new TaskDbException(Reason.JOB_NOT_RUNNING, "the job of " + task
                    + " has failed or been aborted and the task was cancelled: " + what
                    + " of attempt " + attempt + " discarded; stop working on it");
        }
        return new TaskDbException(Reason.STALE_ATTEMPT, what + " refused: attempt " + attempt + " of " + task
                + " is no longer current (the task is " + fence.state.id() + " at attempt " + fence.attempt
                + "; its lease expired or it was retried); stop working on it");
    }

    /**
     * In the transaction that made {@code ready} tasks ready, before its commit: NOTIFY the other
     * instances (debounced, see {@link ReadyTaskNotifier}); returns the types so announced.
     */
    private Set<WorkerType> notifyOtherInstances(Connection c, Map<WorkerType, Integer> ready) throws SQLException {
        return notifier == null ? Set.of() : notifier.notifyInTransaction(c, ready);
    }

    /** After the commit: wakes the claims waiting here; the other instances hear of the rest later. */
    private void announce(Map<WorkerType, Integer> ready, Set<WorkerType> noticed) {
        ready.forEach(signal::readyNow);
        if (notifier != null) {
            notifier.afterCommit(ready, noticed);
        }
    }

    private static Set<WorkerType> typesOf(List<TaskSpec> tasks) {
        Set<WorkerType> types = EnumSet.noneOf(WorkerType.class);
        tasks.forEach(t -> types.add(t.type()));
        return types;
    }

    private static void requireTasks(List<TaskSpec> tasks) {
        if (tasks == null || tasks.isEmpty()) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "no tasks given");
        }
        Set<String> ids = new HashSet<>();
        for (TaskSpec t : tasks) {
            Objects.requireNonNull(t, "task spec");
            if (!ids.add(t.taskId())) {
                throw new TaskDbException(Reason.INVALID_REQUEST, "task id '" + t.taskId() + "' appears twice in one batch");
            }
        }
    }

    private static void requireUser(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("a user id is required");
        }
    }

    private static void requireClaim(String workerId, Collection<WorkerType> types, int max) {
        if (workerId == null || workerId.isBlank() || workerId.length() > 200) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "a worker id of 1 to 200 characters is required");
        }
        if (types == null || types.isEmpty()) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "at least one worker type is required");
        }
        if (max < 1 || max > MAX_CLAIM) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "a claim takes 1 to " + MAX_CLAIM + " tasks, not " + max);
        }
    }

    static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t == null || t.equals(OffsetDateTime.MIN) || t.equals(OffsetDateTime.MAX)) {
            return null; // NULL, or -infinity ("no back-off")
        }
        return t.toInstant();
    }

    // ---------------------------------------------------------------------------------------
    // Connections and transactions

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in autocommit mode (single statements), retrying deadlock victims. */
    private <T> T withConnection(SqlWork<T> work) {
        return run(work, false);
    }

    /**
     * Runs {@code work} in one transaction and commits it. A {@link TaskDbException} thrown by
     * the work rolls back and propagates; a deadlock or serialization failure re-runs the work
     * (it must therefore only touch the database and its own locals).
     */
    private <T> T inTransaction(SqlWork<T> work) {
        return run(work, true);
    }

    private <T> T run(SqlWork<T> work, boolean transaction) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                if (!transaction) {
                    return work.run(c);
                }
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (Throwable e) {
                    rollbackQuietly(c, e);
                    throw e;
                } finally {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // the pool validates or discards a broken connection
                    }
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < DEADLOCK_RETRIES) {
                    continue;
                }
                throw translate(e);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Ends the guard transaction of a reaper pass; a broken connection has ended it already. */
    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the session is gone, and its lock with it
        }
    }

    /** 40001 serialization failure, 40P01 deadlock: the transaction can simply run again. */
    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static TaskDbException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("22P02") || state.startsWith("22")) {
            return new TaskDbException(Reason.INVALID_REQUEST, "invalid data: " + e.getMessage(), e);
        }
        // No SQLState: the server's pool could not hand out a connection (PostgreSQL down or the
        // pool exhausted), which callers treat like an unreachable database.
        if (state.isEmpty() || state.startsWith("08") || state.startsWith("57P")) {
            return new TaskDbException(Reason.DATABASE, "TaskDB database unreachable: " + e.getMessage()
                    + " (check that PostgreSQL is running and BENTO_DB_URL points at it)", e);
        }
        return new TaskDbException(Reason.DATABASE, "TaskDB database error (SQLState " + state + "): "
                + e.getMessage(), e);
    }
}
