package dev.bentoj.taskdb.entity;

/** How many of a job's tasks of one worker type are in each state. */
public record TaskCounts(int pending, int ready, int running, int done, int failed, int cancelled) {

    public static final TaskCounts NONE = new TaskCounts(0, 0, 0, 0, 0, 0);

    public int total() {
        return pending + ready + running + done + failed + cancelled;
    }

    TaskCounts plus(TaskState state, int n) {
        return switch (state) {
            case PENDING -> new TaskCounts(pending + n, ready, running, done, failed, cancelled);
            case READY -> new TaskCounts(pending, ready + n, running, done, failed, cancelled);
            case RUNNING -> new TaskCounts(pending, ready, running + n, done, failed, cancelled);
            case DONE -> new TaskCounts(pending, ready, running, done + n, failed, cancelled);
            case FAILED -> new TaskCounts(pending, ready, running, done, failed + n, cancelled);
            case CANCELLED -> new TaskCounts(pending, ready, running, done, failed, cancelled + n);
        };
    }

    /** Adds {@code n} tasks in {@code state}. */
    public static TaskCounts add(TaskCounts counts, TaskState state, int n) {
        return (counts == null ? NONE : counts).plus(state, n);
    }
}
