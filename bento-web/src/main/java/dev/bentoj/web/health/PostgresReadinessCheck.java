package dev.bentoj.web.health;

import dev.bentoj.web.platform.Database;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Ready only while the TaskDB's PostgreSQL answers through the server's own pool. */
@Readiness
@ApplicationScoped
public class PostgresReadinessCheck extends DependencyCheck {
    private static final int TIMEOUT_SECONDS = 3;

    @Resource(lookup = Database.JNDI_NAME)
    DataSource dataSource;

    @Override
    protected String dependency() {
        return "postgresql";
    }

    @Override
    protected void probe(HealthCheckResponseBuilder data) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(TIMEOUT_SECONDS)) {
                throw new SQLException("no answer from PostgreSQL within " + TIMEOUT_SECONDS + " s");
            }
            data.withData("database", c.getCatalog());
        }
    }
}
