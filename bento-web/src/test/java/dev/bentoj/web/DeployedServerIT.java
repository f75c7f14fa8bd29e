package dev.bentoj.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR that {@code mvn package} just built, deployed in a real Payara Micro (launched as
 * {@code ./bento server} launches it) against a real PostgreSQL, and called over HTTP.
 *
 * <p>The Payara Micro adapter boots one server per deployment, so tests of the deployed server
 * belong in this class (one boot for the module).
 */
@ExtendWith(ArquillianExtension.class)
class DeployedServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ArquillianResource
    private URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        // Runs before Payara boots: the server migrates this fresh database at deploy.
        TestDatabase.recreate();
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("bento.it.war")));
    }

    /**
     * The adapter reports success even when the WAR fails to deploy (Payara Micro keeps running
     * without it), so say so once instead of letting every test fail on a 404.
     */
    @BeforeEach
    void warIsDeployed() throws Exception {
        String health = get("/health").body();
        assertFalse(health.contains("No Application deployed"), "bento-web did not deploy; Payara's log is in "
                + "bento-web/target/failsafe-reports/" + getClass().getName() + "-output.txt");
    }

    @Test
    void versionListsTheZkvmVersion() throws Exception {
        HttpResponse<String> r = get("/version");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode versions = JSON.readTree(r.body()).get("risc0_zkvm");
        assertTrue(versions.isArray() && versions.size() > 0, r.body());
        assertTrue(versions.get(0).isTextual() && !versions.get(0).asText().isBlank(), r.body());
    }

    @Test
    void readyWhenPostgresAnswersThroughTheConfiguredPool() throws Exception {
        HttpResponse<String> r = get("/health/ready");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode health = JSON.readTree(r.body());
        assertEquals("UP", health.get("status").asText(), r.body());
        JsonNode postgres = check(health, "postgresql");
        assertEquals("UP", postgres.get("status").asText(), r.body());
        // The pool follows BENTO_DB_URL, not the built-in default database "bento".
        String database = TestDatabase.URL.substring(TestDatabase.URL.lastIndexOf('/') + 1);
        assertEquals(database, postgres.get("data").get("database").asText(), r.body());
    }

    @Test
    void liveAndOverallHealthAreUp() throws Exception {
        for (String path : new String[] {"/health/live", "/health"}) {
            HttpResponse<String> r = get(path);
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            assertEquals("UP", JSON.readTree(r.body()).get("status").asText(), path + ": " + r.body());
        }
    }

    @Test
    void schemaWasMigratedAtDeploy() throws SQLException {
        try (Connection c = TestDatabase.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM flyway_schema_history WHERE success")) {
            assertTrue(rs.next());
            assertTrue(rs.getInt(1) > 0, "no successful Flyway migration recorded");
        }
    }

    @Test
    void metricsAnswer() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertFalse(r.body().isBlank());
    }

    @Test
    void openApiDescribesTheApi() throws Exception {
        HttpResponse<String> r = get("/openapi");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("/version"), "the OpenAPI document does not list /version");
    }

    @Test
    void unknownRouteIs404() throws Exception {
        assertEquals(404, get("/no/such/route").statusCode());
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no health check named " + name + " in " + health);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        // The adapter reports the machine's external address; the server is reached on loopback.
        URI uri = URI.create("http://localhost:" + deployment.getPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
