package dev.bentoj.sessions.entity;

import java.util.List;

/**
 * What {@code POST /sessions/create} asks for. {@code execCycleLimit} is in units of 2^20
 * cycles (as upstream Bento reads it), null for the server's limit.
 */
public record SessionRequest(String img, String input, List<String> assumptions, boolean executeOnly,
                             Long execCycleLimit) {
    public SessionRequest {
        assumptions = assumptions == null ? List.of() : List.copyOf(assumptions);
    }
}
