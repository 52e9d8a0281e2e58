package tw.gov.hpa.screening.keycloak.meter;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.text.MessageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.theme.Theme;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import tw.gov.hpa.screening.keycloak.personal.UserPersonalData;
import tw.gov.hpa.screening.keycloak.policy.RealmStrengthRules;
import tw.gov.hpa.screening.keycloak.strength.StrengthVerdict;

/**
 * {@code POST /realms/{realm}/password-strength/score} with {@code {"password": "...", "tabId": "..."}}:
 * the server's verdict for the update-password page's meter. The verdict is the realm's whole
 * password policy run by Keycloak's own policy manager for this person (length, classes, the
 * symbol set, personal data, history, strength: the very code that decides on submit), so the
 * meter cannot approve what the server then refuses. The strength level (弱/中/強) comes from
 * the same {@code StrengthScore} and threshold the {@code passwordStrength} policy uses; the
 * refusal, if any, is the sentence the page would show on submit, in the person's language.
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
        UserModel user = authSession.getAuthenticatedUser();
        if (user == null) {
            return error(Response.Status.FORBIDDEN, "no_authenticated_user");
        }
        StrengthVerdict strength = RealmStrengthRules.of(realm)
                .measure(request.password, UserPersonalData.of(user).scorerInputs());
        PolicyError refusal = session.getProvider(PasswordPolicyManagerProvider.class)
                .validate(realm, user, request.password);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("score", strength.score());
        body.put("level", strength.level().code());
        body.put("accepted", refusal == null);
        if (refusal != null) {
            body.put("rule", refusal.getMessage());
            body.put("message", sentence(realm, user, refusal));
        }
        return Response.ok(body).cacheControl(noStore()).build();
    }

    /** The refusal as the login pages word it, in the person's language. */
    private String sentence(RealmModel realm, UserModel user, PolicyError refusal) {
        Locale locale = session.getContext().resolveLocale(user);
        try {
            Properties messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
            String pattern = messages.getProperty(refusal.getMessage(), refusal.getMessage());
            return new MessageFormat(pattern, locale).format(refusal.getParameters());
        } catch (IOException | IllegalArgumentException e) {
            return refusal.getMessage();
        }
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
