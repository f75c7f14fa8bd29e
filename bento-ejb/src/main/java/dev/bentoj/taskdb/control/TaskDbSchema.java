package dev.bentoj.taskdb.control;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/** Brings a database's schema up to date with the numbered migrations in {@code db/migration}. */
public final class TaskDbSchema {

    public static final String LOCATION = "classpath:db/migration";

    private TaskDbSchema() {
    }

    /**
     * Applies the pending migrations (Flyway takes a lock in the database, so several server
     * instances starting together are safe) and returns how many ran.
     */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure(TaskDbSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
