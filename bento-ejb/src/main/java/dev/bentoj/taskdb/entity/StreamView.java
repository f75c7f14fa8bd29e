package dev.bentoj.taskdb.entity;

/**
 * How one user's stream of one worker type is prioritised, and how many of its tasks run now.
 * A user without a stream row for a type has the defaults: no reservation, multiplier 1.
 *
 * @param reserved   dedicated slots: served before everything else while fewer of its tasks run
 * @param multiplier weight of its share of the pool beyond the reservation
 * @param running    its tasks running at this moment (exact)
 */
public record StreamView(String userId, WorkerType type, int reserved, double multiplier, int running) {
    /** The settings of a stream that does not exist yet. */
    public static StreamView defaults(String userId, WorkerType type) {
        return new StreamView(userId, type, 0, 1.0, 0);
    }
}
