package dev.bentoj.web.health;

import dev.bentoj.storage.control.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the S3 server holding ELFs, inputs and receipts answers. */
@Readiness
@ApplicationScoped
public class ObjectStoreReadinessCheck extends DependencyCheck {
    @Inject
    ObjectStore objects;

    @Override
    protected String dependency() {
        return "s3";
    }

    @Override
    protected void probe(HealthCheckResponseBuilder data) {
        objects.exists("health/probe");
        data.withData("endpoint", objects.endpoint()).withData("bucket", objects.bucket());
    }
}
