package dev.bentoj.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent process: long-polls the work API for tasks of its types, runs each with its
 * handler while heartbeats keep the lease, reports done or failed, and reconnects with backoff
 * when the server is away. {@link #stop} lets the running task finish within a grace period,
 * else hands it back (failed, retryable) so another agent takes it at once.
 */
public final class Agent {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final WorkClient client;
    private final String workerId;
    private final Map<String, TaskHandler> handlers;
    private final Duration pollWait;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bento-agent-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** The task being run and its cancel flag, for handing it back at stop. */
    private volatile WorkClient.Claim current;
    private volatile AtomicBoolean currentCancelled;

    public Agent(WorkClient client, String workerId, Map<String, TaskHandler> handlers, Duration pollWait) {
        this.client = client;
        this.workerId = workerId;
        this.handlers = Map.copyOf(handlers);
        this.pollWait = pollWait;
    }

    /** Runs until {@link #stop} is called. */
    public void run() {
        Duration backoff = Duration.ofMillis(200);
        try {
            while (!stopping.get()) {
                try {
                    Optional<WorkClient.Claim> claim = client.claim(workerId, handlers.keySet(), pollWait);
                    backoff = Duration.ofMillis(200);
                    if (claim.isPresent() && stopping.get()) {
                        handBack(claim.get());
                    } else if (claim.isPresent()) {
                        process(claim.get());
                    }
                } catch (IOException e) {
                    if (stopping.get()) {
                        break;
                    }
                    LOG.warning("work API unreachable (" + describe(e) + "); retrying in " + backoff.toMillis() + " ms");
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeats.shutdownNow();
            finished.complete(null);
        }
    }

    /**
     * Asks the agent to stop and waits up to {@code grace} for the current task to finish; a
     * task still running then is cancelled and handed back (failed, retryable), so another
     * agent takes it without waiting for its lease to expire.
     */
    public void stop(Duration grace) {
        stopping.set(true);
        try {
            finished.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            WorkClient.Claim running = current;
            AtomicBoolean flag = currentCancelled;
            if (running != null && flag != null) {
                flag.set(true);
                try {
                    handBack(running);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void handBack(WorkClient.Claim claim) throws InterruptedException {
        LOG.info(claim.jobId() + "/" + claim.taskId() + ": agent stopping, handing the task back");
        report(claim, () -> client.failed(claim, "agent " + workerId + " stopped; task handed back", true));
    }

    private void process(WorkClient.Claim claim) throws InterruptedException {
        TaskHandler handler = handlers.get(claim.type());
        String name = claim.jobId() + "/" + claim.taskId() + " (" + claim.type() + ", attempt " + claim.attempt() + ")";
        if (handler == null) {
            report(claim, () -> client.failed(claim, "agent " + workerId + " cannot run " + claim.type() + " tasks", true));
            return;
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        current = claim;
        currentCancelled = cancelled;
        long period = Math.max(1, claim.leaseSeconds() / 3);
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!client.heartbeat(claim)) {
                    LOG.info(name + ": job cancelled, stopping");
                    cancelled.set(true);
                }
            } catch (WorkClient.LostTask e) {
                cancelled.set(true);
            } catch (IOException e) {
                LOG.warning(name + ": heartbeat failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, period, period, TimeUnit.SECONDS);
        LOG.info(name + ": started");
        long t0 = System.nanoTime();
        try {
            runHandler(claim, handler, name, cancelled, beat, t0);
        } finally {
            current = null;
            currentCancelled = null;
        }
    }

    private void runHandler(WorkClient.Claim claim, TaskHandler handler, String name, AtomicBoolean cancelled,
                            ScheduledFuture<?> beat, long t0) throws InterruptedException {
        try {
            JsonNode output = handler.run(claim, cancelled::get);
            beat.cancel(false);
            if (cancelled.get()) {
                return;
            }
            boolean recorded = report(claim, () -> client.done(claim, output));
            LOG.info(name + ": done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            if (recorded) {
                try {
                    handler.committed(claim);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, name + ": clean-up after completion failed (the keys expire with their TTL)", e);
                }
            }
        } catch (TaskHandler.TaskFailure f) {
            beat.cancel(false);
            if (!cancelled.get()) {
                report(claim, () -> client.failed(claim, f.getMessage(), f.retryable()));
            }
            LOG.info(name + ": failed: " + f.getMessage());
        } catch (RuntimeException e) {
            beat.cancel(false);
            LOG.log(Level.WARNING, name + ": unexpected error", e);
            report(claim, () -> client.failed(claim, "agent error: " + e, true));
        } catch (Error e) {
            // Out of memory or worse: give the task back for another agent, then let the error
            // end this agent, whose state can no longer be trusted.
            beat.cancel(false);
            LOG.log(Level.SEVERE, name + ": " + e + "; handing the task back and stopping", e);
            report(claim, () -> client.failed(claim, "agent " + workerId + " failed: " + e, true));
            throw e;
        }
    }

    /** The JDK's HTTP client throws a ConnectException without a message when nothing listens. */
    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private interface Report {
        void send() throws IOException, InterruptedException, WorkClient.LostTask;
    }

    /**
     * Reports an outcome, retrying while the server is unreachable; a lost task is only logged.
     *
     * @return true if the server recorded it
     */
    private boolean report(WorkClient.Claim claim, Report report) throws InterruptedException {
        Duration backoff = Duration.ofMillis(200);
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                report.send();
                return true;
            } catch (WorkClient.LostTask e) {
                LOG.info(e.getMessage());
                return false;
            } catch (IOException e) {
                LOG.warning("cannot report " + claim.jobId() + "/" + claim.taskId() + ": " + describe(e));
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        LOG.warning("gave up reporting " + claim.jobId() + "/" + claim.taskId() + "; its lease will expire and it will be retried");
        return false;
    }
}
