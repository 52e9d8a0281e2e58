package tw.gov.hpa.screening.keycloak.accounts;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code PUT /admin/realms/{realm}/screening-closing/{userId}} ({@code {"closedAt": "2026-12-01",
 * "because": "last-grant-ended"}}) closes an account; {@code DELETE ...?because=last-grant-ended} opens
 * it again ({@link AccountClosing}). The marks are not attributes of the user profile, so no console
 * form shows or edits them; they are written here, in one transaction with the disabling.
 *
 * <p>Only an administrator of every user may ask (realm-management {@code manage-users}: the sync
 * service): an institution manager, whose rights reach only their own users, is refused.
 */
public class AccountClosingResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    AccountClosingResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    @PUT
    @Path("{userId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response close(@PathParam("userId") String userId, Map<String, String> body) {
        auth.users().requireManage();
        UserModel user = user(userId);
        try {
            boolean changed = AccountClosing.close(user, body.get("closedAt"), body.get("because"));
            return Response.ok(Map.of("changed", changed)).build();
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", e.getMessage())).build();
        }
    }

    @DELETE
    @Path("{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reopen(@PathParam("userId") String userId, @QueryParam("because") String because) {
        auth.users().requireManage();
        UserModel user = user(userId);
        try {
            return Response.ok(Map.of("changed", AccountClosing.reopen(user, because))).build();
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", e.getMessage())).build();
        }
    }

    private UserModel user(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            throw new NotFoundException("no such user");
        }
        return user;
    }
}
