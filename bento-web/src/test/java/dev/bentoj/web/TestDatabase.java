package dev.bentoj.web;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL database the deployed server runs against in the integration tests
 * (user {@code postgres}, trust authentication on 127.0.0.1, as on the build machines and CI).
 * Failsafe passes the same URL to the server as {@code BENTO_DB_URL}.
 */
final class TestDatabase {
    static final String URL = System.getProperty("bento.it.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/bento_it");
    static final String USER = "postgres";

    private TestDatabase() {
    }

    /** Drops and re-creates the database, so every run migrates a fresh schema from V1. */
    static void recreate() {
        String name = URL.substring(URL.lastIndexOf('/') + 1);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unexpected test database name in " + URL);
        }
        String admin = URL.substring(0, URL.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(admin, USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare test database " + name + " on " + admin
                    + " (is PostgreSQL running? pg_ctlcluster 15 main start): " + e.getMessage(), e);
        }
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, "");
    }
}
