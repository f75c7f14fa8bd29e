package dev.bentoj.web.platform;

import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.control.TaskDbSchema;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;

import javax.sql.DataSource;
import java.util.logging.Logger;

/**
 * The TaskDB's PostgreSQL: the server's one connection pool, and the schema brought up to date
 * at deploy, before any request is served.
 *
 * <p>Connection settings come from MicroProfile Config ({@code bento.db.url},
 * {@code bento.db.user}, {@code bento.db.password}), so from the environment variables
 * {@code BENTO_DB_URL}, {@code BENTO_DB_USER} and {@code BENTO_DB_PASSWORD}; Payara fills the
 * {@code ${MPCONFIG=key:default}} placeholders when it creates the pool. Only sources Payara
 * knows at that moment count (environment, system properties, Payara's own config): a
 * {@code microprofile-config.properties} inside the WAR is read too late, hence the defaults
 * written inline. The PostgreSQL driver is not in the WAR: Payara gets it with
 * {@code --addlibs}.
 */
@DataSourceDefinition(
        name = Database.JNDI_NAME,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=bento.db.url:" + Database.DEFAULT_URL + "}",
        user = "${MPCONFIG=bento.db.user:postgres}",
        password = "${MPCONFIG=bento.db.password:}",
        initialPoolSize = 2,
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
                // A pooled connection that PostgreSQL dropped (restart, failover) is noticed and
                // the whole pool is renewed, instead of failing requests one by one.
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=custom-validation",
                "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.JDBC40ConnectionValidation",
                "fish.payara.validate-atmost-once-period-in-seconds=10",
                "fish.payara.fail-all-connections=true",
                // Fail a request after 10 s without a free connection rather than the default 60.
                "fish.payara.max-wait-time-in-millis=10000",
                // pgjdbc: give up on an unreachable server after 5 s (the readiness check uses it).
                "connectTimeout=5",
                // Custom plans at every execution (TaskDb.PLAN_CACHE_MODE says why).
                "options=" + TaskDb.CONNECTION_OPTIONS,
        })
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN) // Flyway commits each migration itself
public class Database {
    /** Where every component finds the pool: {@code @Resource(lookup = Database.JNDI_NAME)}. */
    public static final String JNDI_NAME = "java:app/jdbc/bento";
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/bento";

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    @Resource(lookup = JNDI_NAME)
    DataSource dataSource;

    @PostConstruct
    void migrate() {
        // The numbered migrations live in bento-ejb under db/migration (V1__taskdb.sql, …).
        int applied = TaskDbSchema.migrate(dataSource);
        LOG.info(() -> "TaskDB schema up to date (" + applied + " migrations applied at this start)");
    }
}
