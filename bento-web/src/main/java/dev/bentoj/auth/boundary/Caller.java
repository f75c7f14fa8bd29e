package dev.bentoj.auth.boundary;

import jakarta.enterprise.context.RequestScoped;

/** Who is calling the Bonsai API in this request: every read is scoped to this user. */
@RequestScoped
public class Caller {
    private String userId;

    public String userId() {
        if (userId == null) {
            throw new IllegalStateException("no authenticated caller in this request");
        }
        return userId;
    }

    void authenticate(String userId) {
        this.userId = userId;
    }
}
