package dev.bentoj.taskdb.boundary;

import dev.bentoj.taskdb.control.TaskDb;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Retention: every 10 minutes, the task rows of jobs that ended more than
 * {@code bento.retention.hours} ago (env BENTO_RETENTION_HOURS, default 24; negative: keep them
 * forever) are deleted; the job rows stay, so a session's status still answers. Every instance
 * runs it; they split the work (TaskDb locks the jobs it prunes, skipping those taken).
 */
@Singleton
@Startup
@DependsOn("Database")
@TransactionManagement(TransactionManagementType.BEAN) // TaskDb runs its own short transactions
public class TaskRetention {
    private static final Logger LOG = Logger.getLogger(TaskRetention.class.getName());

    @Inject
    TaskDb taskDb;

    @Inject
    @ConfigProperty(name = "bento.retention.hours", defaultValue = "24")
    double retentionHours;

    @Schedule(minute = "*/10", hour = "*", persistent = false)
    void prune() {
        if (retentionHours < 0) {
            return;
        }
        try {
            int jobs = taskDb.pruneFinishedJobs(Duration.ofSeconds(Math.round(retentionHours * 3600)));
            if (jobs > 0) {
                LOG.info("retention: deleted the task rows of " + jobs + " job(s) that ended over "
                        + retentionHours + " h ago");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "retention: " + e.getMessage());
        }
    }
}
