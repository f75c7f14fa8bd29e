package dev.bentoj.uploads.boundary;

import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.web.PublicUrls;
import dev.bentoj.web.errors.ApiError;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.InputStream;
import java.util.Map;
import java.util.UUID;

/** Guest inputs (R3, R4, R14) and assumption receipts (R5, R6): a fresh uuid, then a PUT. */
@Path("")
public class InputsResource {
    @Inject
    ObjectStore objects;

    @Inject
    PublicUrls urls;

    @Inject
    @ConfigProperty(name = "bento.upload.max.bytes", defaultValue = "268435456")
    long maxUploadBytes;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("inputs/upload")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> inputUploadUrl() {
        String id = UUID.randomUUID().toString();
        return Map.of("uuid", id, "url", urls.resolve(uriInfo, "inputs/upload/" + id));
    }

    @PUT
    @Path("inputs/upload/{uuid}")
    @Consumes(MediaType.WILDCARD)
    public Response uploadInput(@PathParam("uuid") String uuid, InputStream body) {
        return store(ObjectNamespace.INPUT, uuid, body, "input");
    }

    @DELETE
    @Path("inputs/{uuid}")
    public Response deleteInput(@PathParam("uuid") String uuid) {
        String key = key(ObjectNamespace.INPUT, uuid, "input");
        if (!objects.exists(key)) {
            throw ApiError.notFound("InputMissing", "input " + uuid + " not found");
        }
        objects.delete(key);
        return Response.noContent().build();
    }

    @GET
    @Path("receipts/upload")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> receiptUploadUrl() {
        String id = UUID.randomUUID().toString();
        return Map.of("uuid", id, "url", urls.resolve(uriInfo, "receipts/upload/" + id));
    }

    @PUT
    @Path("receipts/upload/{uuid}")
    @Consumes(MediaType.WILDCARD)
    public Response uploadReceipt(@PathParam("uuid") String uuid, InputStream body) {
        String key = key(ObjectNamespace.STARK_RECEIPT, uuid, "receipt");
        byte[] bytes = Uploads.readBounded(body, maxUploadBytes, "receipt");
        try {
            // Well-formed now; whether it verifies is checked when a session resolves it.
            dev.bentoj.zkvm.receipt.ReceiptCodec.decode(bytes);
        } catch (dev.bentoj.zkvm.stark.VerificationException e) {
            throw ApiError.badRequest("ReceiptInvalid", "not a receipt: " + e.getMessage());
        }
        return store(key, bytes);
    }

    private Response store(ObjectNamespace ns, String uuid, InputStream body, String what) {
        String key = key(ns, uuid, what);
        return store(key, Uploads.readBounded(body, maxUploadBytes, what));
    }

    private Response store(String key, byte[] bytes) {
        if (objects.exists(key)) {
            // Uploads are write-once: the stored object stays as it was (upstream answers 204 too).
            return Response.noContent().build();
        }
        objects.put(key, bytes);
        return Response.ok().build();
    }

    private static String key(ObjectNamespace ns, String uuid, String what) {
        if (!ns.isValidId(uuid)) {
            throw ApiError.badRequest("InvalidId", what + " id '" + ImagesResource.abbreviate(uuid) + "' is not a lowercase UUID");
        }
        return ns.key(uuid);
    }
}
