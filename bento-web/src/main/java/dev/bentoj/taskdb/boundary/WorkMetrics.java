package dev.bentoj.taskdb.boundary;

import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.entity.WorkerType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.Locale;

/**
 * MicroProfile Metrics of the work API, per worker type: tasks claimed, done and failed, the
 * time claims waited, and tasks ready now (read from the TaskDB at scrape time).
 */
@ApplicationScoped
public class WorkMetrics {
    @Inject
    MetricRegistry registry;

    @Inject
    TaskDb taskDb;

    void registerGauges(@Observes @Initialized(ApplicationScoped.class) Object start) {
        for (WorkerType type : WorkerType.values()) {
            registry.gauge("bento_tasks_ready", () -> taskDb.readyCounts().getOrDefault(type, 0L), tag(type));
        }
    }

    void claimed(WorkerType type, int count, Duration waited) {
        registry.counter("bento_tasks_claimed_total", tag(type)).inc(count);
        registry.histogram("bento_claim_wait_ms", tag(type)).update(waited.toMillis());
    }

    void done(WorkerType type) {
        registry.counter("bento_tasks_done_total", tag(type)).inc();
    }

    void failed(WorkerType type) {
        registry.counter("bento_tasks_failed_total", tag(type)).inc();
    }

    private static Tag tag(WorkerType type) {
        return new Tag("type", type.name().toLowerCase(Locale.ROOT));
    }
}
