package dev.bentoj.auth.boundary;

import dev.bentoj.auth.control.ApiKeys;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Registers the operator's key ({@code BENTO_BOOTSTRAP_API_KEY}) for the user {@code default}
 * at deploy, after the schema exists: how {@code ./bento up} hands its user a working key.
 */
@Startup
@Singleton
@DependsOn("Database")
public class BootstrapKey {
    @Inject
    ApiKeys keys;

    @Inject
    @ConfigProperty(name = "bento.bootstrap.api.key")
    Optional<String> bootstrapKey;

    @PostConstruct
    void register() {
        bootstrapKey.filter(k -> !k.isBlank()).ifPresent(k -> keys.register(k, ApiKeyFilter.OPEN_MODE_USER, "bootstrap"));
    }
}
