package dev.bentoj.uploads.boundary;

import dev.bentoj.web.errors.ApiError;
import jakarta.ws.rs.core.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reading upload bodies (fixed-length or chunked) with a size limit. */
final class Uploads {
    private Uploads() {
    }

    static byte[] readBounded(InputStream body, long limit, String what) {
        if (body == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (body) {
            for (int n; (n = body.read(buf)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new ApiError(Response.Status.REQUEST_ENTITY_TOO_LARGE, "TooLarge",
                            what + " larger than the limit of " + limit + " bytes");
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("upload interrupted", e);
        }
        return out.toByteArray();
    }
}
