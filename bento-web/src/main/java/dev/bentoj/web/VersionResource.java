package dev.bentoj.web;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** {@code GET /version}: the zkVM versions this server proves for (bonsai-api.md R17). */
@Path("version")
public class VersionResource {
    /** The body the Bonsai client decodes: {@code {"risc0_zkvm": ["0.1.0"]}}. */
    public record VersionResponse(
            @JsonbProperty("risc0_zkvm")
            @Schema(name = "risc0_zkvm", type = SchemaType.ARRAY, implementation = String.class)
            List<String> risc0Zkvm) {
    }

    private static final String ZKVM_VERSION = readZkvmVersion();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public VersionResponse version() {
        return new VersionResponse(List.of(ZKVM_VERSION));
    }

    // Filled in from the Maven project version at build time, so /version never goes stale.
    private static String readZkvmVersion() {
        try (InputStream in = VersionResource.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("zkvm.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
