package dev.bentoj.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Absolute URLs handed to clients (upload and download targets). Built from the configured
 * public base URL ({@code BENTO_PUBLIC_URL}), so they stay right behind TLS, a proxy or a path
 * prefix; without one, from the base URI of the request.
 */
@ApplicationScoped
public class PublicUrls {
    @Inject
    @ConfigProperty(name = "bento.public.url")
    Optional<String> publicUrl;

    public String resolve(UriInfo request, String path) {
        String base = publicUrl.filter(s -> !s.isBlank()).orElse(request.getBaseUri().toString());
        return base.replaceAll("/+$", "") + "/" + path.replaceAll("^/+", "");
    }
}
