package tw.gov.hpa.screening.keycloak.meter;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import tw.gov.hpa.screening.keycloak.personal.UserPersonalData;
import tw.gov.hpa.screening.keycloak.policy.RealmStrengthRules;
import tw.gov.hpa.screening.keycloak.strength.StrengthVerdict;

/**
 * {@code POST /realms/{realm}/password-strength/score} with {@code {"password": "...", "tabId": "..."}}:
 * the server's verdict for the update-password page's meter, from the same {@code StrengthScore}
 * and realm threshold the {@code passwordStrength} policy uses.
 *
 * <p>Answers only inside a live authentication session of this browser (AUTH_SESSION_ID cookie and
 * the page's tab id), so that the person's own data are known and counted, and so that it is not
 * an open scoring service. The password is never logged.
 */
public class PasswordStrengthResource {

    private final KeycloakSession session;
    private final Throttle throttle;

    public PasswordStrengthResource(KeycloakSession session, Throttle throttle) {
        this.session = session;
        this.throttle = throttle;
    }

    /** Request body. Public fields: bound by Jackson. */
    public static class ScoreRequest {
        public String password;
        public String tabId;
    }

    @POST
    @Path("score")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response score(ScoreRequest request) {
        if (request == null || request.password == null || request.tabId == null) {
            return error(Response.Status.BAD_REQUEST, "invalid_request");
        }
        RealmModel realm = session.getContext().getRealm();
        RootAuthenticationSessionModel root =
                new AuthenticationSessionManager(session).getCurrentRootAuthenticationSession(realm);
        AuthenticationSessionModel authSession =
                root == null ? null : root.getAuthenticationSessions().get(request.tabId);
        if (authSession == null) {
            return error(Response.Status.FORBIDDEN, "no_authentication_session");
        }
        if (!throttle.tryAcquire(root.getId())) {
            return Response.status(429).header("Retry-After", "1")
                    .cacheControl(noStore()).entity(Map.of("error", "too_many_requests")).build();
        }
        StrengthVerdict verdict = RealmStrengthRules.of(realm)
                .measure(request.password, UserPersonalData.of(authSession.getAuthenticatedUser()).scorerInputs());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("score", verdict.score());
        body.put("level", verdict.level().code());
        body.put("accepted", verdict.accepted());
        return Response.ok(body).cacheControl(noStore()).build();
    }

    private static Response error(Response.Status status, String code) {
        return Response.status(status).cacheControl(noStore()).entity(Map.of("error", code)).build();
    }

    private static CacheControl noStore() {
        CacheControl cc = new CacheControl();
        cc.setNoStore(true);
        cc.setNoCache(true);
        return cc;
    }
}
