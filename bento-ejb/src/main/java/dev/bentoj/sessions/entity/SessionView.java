package dev.bentoj.sessions.entity;

/**
 * A session as {@code GET /sessions/status/{id}} reports it (bonsai-api.md, SessionStatusRes).
 *
 * @param status RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
 * @param state progress text while running ({@code Executor}, …)
 * @param stats present when SUCCEEDED
 */
public record SessionView(String status, String receiptUrl, String errorMsg, String state, Double elapsedTime,
                          Stats stats) {
    /** Segments, padded total cycles and user cycles. */
    public record Stats(long segments, long totalCycles, long cycles) {
    }
}
