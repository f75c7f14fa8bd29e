package dev.bentoj.uploads.boundary;

import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.web.PublicUrls;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.image.MemoryImage;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.util.Map;

/**
 * Guest programs, addressed by image id (R1, R2, R13). The server recomputes the image id of
 * every upload and refuses a mismatch or a malformed ELF; a second upload changes nothing.
 */
@Path("images")
public class ImagesResource {
    /** Larger than any guest we know of; bounds memory per upload. */
    static final long MAX_ELF_BYTES = 64L << 20;

    @Inject
    ObjectStore objects;

    @Inject
    PublicUrls urls;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("upload/{imageId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response uploadUrl(@PathParam("imageId") String imageId) {
        String key = elfKey(imageId);
        if (objects.exists(key)) {
            return Response.noContent().build();
        }
        return Response.ok(Map.of("url", urls.resolve(uriInfo, "images/upload/" + imageId))).build();
    }

    @PUT
    @Path("upload/{imageId}")
    @Consumes(MediaType.WILDCARD)
    public Response upload(@PathParam("imageId") String imageId, InputStream body) {
        String key = elfKey(imageId);
        byte[] elf = Uploads.readBounded(body, MAX_ELF_BYTES, "guest ELF");
        String actual;
        try {
            actual = MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
        } catch (InvalidElfException e) {
            throw ApiError.badRequest("ImageInvalid", e.getMessage());
        }
        if (!actual.equals(imageId)) {
            throw ApiError.badRequest("ImageIdMismatch", "the uploaded ELF has image id " + actual
                    + ", not " + imageId + ": upload it under its own id (./bento image-id ELF)");
        }
        if (!objects.exists(key)) {
            objects.put(key, elf);
        }
        return Response.noContent().build();
    }

    @DELETE
    @Path("{imageId}")
    public Response delete(@PathParam("imageId") String imageId) {
        String key = elfKey(imageId);
        if (!objects.exists(key)) {
            throw ApiError.notFound("ImageMissing", "image " + imageId + " not found");
        }
        objects.delete(key);
        return Response.noContent().build();
    }

    static String elfKey(String imageId) {
        if (!ObjectNamespace.ELF.isValidId(imageId)) {
            throw ApiError.badRequest("ImageInvalid", "image id '" + abbreviate(imageId)
                    + "' is not 64 lowercase hex digits");
        }
        return ObjectNamespace.ELF.key(imageId);
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
