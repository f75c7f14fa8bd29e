package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.WorkerType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-JVM wake-ups for long-poll claims: whoever makes tasks ready (creation, a completion that
 * releases dependents, a requeue) says so here after committing, and claims waiting for that
 * worker type wake up and query again. Claims never poll the database in a loop; a short
 * backstop timeout (in {@link TaskDb}) covers lost notices. Work made ready by another server
 * instance on the same database is relayed here through {@link #readyNow} by the
 * {@link ReadyTaskListener}.
 *
 * <p>Each waiter has its own {@link Condition}, registered under every worker type it claims for;
 * a notice for n tasks of a type wakes the n longest-waiting claims of that type, so a single
 * new task does not send every idle worker to the database. A version counter per type closes
 * the gap between a claim finding nothing and its registering as a waiter: a notice in between
 * changes the version and the wait returns at once. Delayed readiness (a retry back-off) is
 * remembered as due times per type; at each, one waiter of that type wakes.
 */
public final class ReadyTaskSignal {

    private static final int TYPES = WorkerType.values().length;
    private static final long STALE_DUE_NANOS = 1_000_000_000L;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] versions = new long[TYPES];
    /** Per type, System.nanoTime() values at which delayed tasks become claimable. */
    private final List<PriorityQueue<Long>> dueTimes = new ArrayList<>(TYPES);
    private final List<LinkedHashSet<Waiter>> waiters = new ArrayList<>(TYPES);

    public ReadyTaskSignal() {
        for (int i = 0; i < TYPES; i++) {
            waiters.add(new LinkedHashSet<>());
            // nanoTime values may wrap: compare by difference, not by value.
            dueTimes.add(new PriorityQueue<>((a, b) -> Long.signum(a - b)));
        }
    }

    private final class Waiter {
        final Condition condition = lock.newCondition();
        boolean woken;
    }

    /**
     * A number that changes whenever tasks of any of {@code types} are announced; read it before
     * querying, and pass it to {@link #await} after the query found nothing.
     */
    public long version(Set<WorkerType> types) {
        lock.lock();
        try {
            long sum = 0;
            for (WorkerType type : types) {
                sum += versions[type.ordinal()];
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    /** {@code tasks} tasks of {@code type} have just become ready: wake that many waiting claims. */
    public void readyNow(WorkerType type, int tasks) {
        if (tasks <= 0) {
            return;
        }
        lock.lock();
        try {
            int t = type.ordinal();
            versions[t]++;
            int toWake = tasks;
            var it = waiters.get(t).iterator();
            while (toWake > 0 && it.hasNext()) {
                Waiter w = it.next();
                it.remove();
                if (!w.woken) {
                    w.woken = true;
                    w.condition.signal();
                    toWake--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Work of any type may have become ready without notice (the listener for other instances
     * reconnected): every waiting claim queries again.
     */
    public void wakeAll() {
        lock.lock();
        try {
            for (int t = 0; t < TYPES; t++) {
                versions[t]++;
                for (Waiter w : waiters.get(t)) {
                    if (!w.woken) {
                        w.woken = true;
                        w.condition.signal();
                    }
                }
                waiters.get(t).clear();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A task of {@code type} becomes claimable after {@code delay} (a retry back-off). */
    public void readyIn(WorkerType type, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            readyNow(type, 1);
            return;
        }
        lock.lock();
        try {
            int t = type.ordinal();
            long due = System.nanoTime() + delay.toNanos();
            PriorityQueue<Long> queue = dueTimes.get(t);
            Long earliest = queue.peek();
            queue.add(due);
            if (earliest == null || due - earliest < 0) {
                // Let the waiters of this type shorten their sleep to the new due time.
                for (Waiter w : waiters.get(t)) {
                    w.condition.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until tasks of one of {@code types} are announced, a back-off of one of them is due,
     * or {@code timeoutNanos} pass.
     *
     * @param seenVersion {@link #version} as read before the query that found nothing
     * @return {@code true} if there may be work now (query again), {@code false} on timeout
     */
    public boolean await(Set<WorkerType> types, long seenVersion, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            long current = 0;
            for (WorkerType type : types) {
                current += versions[type.ordinal()];
            }
            if (current != seenVersion) {
                return true;
            }
            Waiter me = new Waiter();
            for (WorkerType type : types) {
                waiters.get(type.ordinal()).add(me);
            }
            try {
                while (!me.woken) {
                    long now = System.nanoTime();
                    if (takeDue(types, now)) {
                        return true;
                    }
                    if (deadline - now <= 0) {
                        return false;
                    }
                    Long due = nextDue(types, now);
                    long left = due == null ? deadline - now : Math.min(deadline - now, due - now);
                    me.condition.awaitNanos(left);
                }
                return true;
            } finally {
                for (WorkerType type : types) {
                    waiters.get(type.ordinal()).remove(me);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes one passed due time of {@code types}, if any (one waiter per delayed task). Due times
     * nobody was waiting for are dropped after a while (claims that come later query anyway),
     * so the queues cannot grow without bound.
     */
    private boolean takeDue(Set<WorkerType> types, long now) {
        for (WorkerType type : types) {
            PriorityQueue<Long> queue = dueTimes.get(type.ordinal());
            while (!queue.isEmpty() && now - queue.peek() > STALE_DUE_NANOS) {
                queue.poll();
            }
            if (!queue.isEmpty() && queue.peek() - now <= 0) {
                queue.poll();
                return true;
            }
        }
        return false;
    }

    /** The earliest due time of {@code types} still ahead, or null. */
    private Long nextDue(Set<WorkerType> types, long now) {
        Long next = null;
        for (WorkerType type : types) {
            Long due = dueTimes.get(type.ordinal()).peek();
            if (due != null && due - now > 0 && (next == null || due - next < 0)) {
                next = due;
            }
        }
        return next;
    }

    /** How many claims are waiting for {@code type} (metrics, tests). */
    public int waiting(WorkerType type) {
        lock.lock();
        try {
            return waiters.get(type.ordinal()).size();
        } finally {
            lock.unlock();
        }
    }
}
