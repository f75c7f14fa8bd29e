package dev.bentoj.receipts.boundary;

import dev.bentoj.auth.boundary.Caller;
import dev.bentoj.sessions.control.InvalidSessionException;
import dev.bentoj.sessions.control.SessionNotFoundException;
import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.sessions.entity.SessionView;
import dev.bentoj.web.PublicUrls;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.web.errors.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.HashMap;
import java.util.Map;

/**
 * Receipts (R12, R13) and the SNARK routes (R15, R16): the download URL of a session's STARK
 * receipt, its bytes, and SNARK jobs, which fail with "not supported yet" until the SNARK
 * stage exists. Thin: {@link Sessions} decides.
 */
@Path("")
public class ReceiptsResource {
    @Inject
    Sessions sessions;

    @Inject
    Caller caller;

    @Inject
    PublicUrls urls;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("receipts/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> receiptUrl(@PathParam("id") String id) {
        receipt(id);
        return Map.of("url", urls.resolve(uriInfo, "receipts/stark/receipt/" + id));
    }

    @GET
    @Path("receipts/stark/receipt/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public byte[] receipt(@PathParam("id") String id) {
        return sessions.receipt(caller.userId(), id).orElseThrow(() ->
                ApiError.notFound("ReceiptMissing", "no receipt for " + id + ": the session has not succeeded (yet), "
                        + "was execute-only, or does not exist"));
    }

    @POST
    @Path("snark/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> createSnark(String json) {
        JsonObject body = JsonBodies.object(json, "{session_id}");
        if (!body.containsKey("session_id") || body.get("session_id").getValueType() != JsonValue.ValueType.STRING) {
            throw ApiError.badRequest("InvalidRequest", "session_id must be the uuid of a succeeded proving session");
        }
        try {
            return Map.of("uuid", sessions.createSnark(caller.userId(), body.getString("session_id")).toString());
        } catch (InvalidSessionException e) {
            throw ApiError.badRequest("InvalidSession", e.getMessage());
        }
    }

    /** {@code {status, output, error_msg}}: output (the SNARK receipt's URL) stays null until SNARKs exist. */
    @GET
    @Path("snark/status/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> snarkStatus(@PathParam("id") String id) {
        SessionView v;
        try {
            v = sessions.status(caller.userId(), id);
        } catch (SessionNotFoundException e) {
            throw ApiError.notFound("SnarkMissing", e.getMessage());
        }
        Map<String, Object> out = new HashMap<>();
        out.put("status", v.status());
        out.put("output", null);
        out.put("error_msg", v.errorMsg());
        return out;
    }
}
