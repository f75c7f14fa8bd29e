package dev.bentoj.taskdb.boundary;

import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.taskdb.control.TaskDb;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Requeues tasks whose lease expired (their agent died or lost the network), every 2 seconds;
 * from the moment the schema is migrated ({@code Database}), not before. Every server instance
 * runs it; TaskDb lets one pass at a time do the work (an advisory lock in the database).
 * Bean-managed transactions: TaskDb runs its own, and a reaper pass holds its lock in a
 * transaction on a connection of its own, which a container transaction would share with the
 * pass's other statements. A job that fails because a task ran out of attempts loses its Redis
 * intermediates at once, as when an agent reports the failure.
 */
@Singleton
@Startup
@DependsOn("Database")
@TransactionManagement(TransactionManagementType.BEAN)
public class LeaseReaper {
    private static final Logger LOG = Logger.getLogger(LeaseReaper.class.getName());

    @Inject
    TaskDb taskDb;

    @Inject
    Sessions sessions;

    @Schedule(second = "*/2", minute = "*", hour = "*", persistent = false)
    void reap() {
        try {
            int n = taskDb.reapExpiredLeases(sessions::removeIntermediates);
            if (n > 0) {
                LOG.info("requeued or failed " + n + " task(s) with expired leases");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "lease reaper: " + e.getMessage());
        }
    }
}
