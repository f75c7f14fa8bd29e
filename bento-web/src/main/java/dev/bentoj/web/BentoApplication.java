package dev.bentoj.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/**
 * The REST API at the root of the server, as the Bonsai client expects ({@code /version},
 * {@code /sessions/create}, …). Payara's own {@code /health}, {@code /metrics} and
 * {@code /openapi} are separate web modules and keep their paths beside it.
 */
@ApplicationPath("/")
@OpenAPIDefinition(info = @Info(title = "Bento-J",
        version = "1",
        description = "Bonsai-compatible proving API and the agents' work API of a Bento-J cluster."))
public class BentoApplication extends Application {
}
