package tw.gov.hpa.screening.keycloak.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.cookie.CookieProvider;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import tw.gov.hpa.screening.keycloak.Fake;

/**
 * The meter's endpoint refuses what is not a scoring request of a live sign-in. Its verdicts
 * themselves are the realm policy's (Keycloak's policy manager runs it) and are checked on the
 * running server by tests/browser/test_strength_meter.py. Covers: R-PWD-4
 */
class PasswordStrengthResourceTest {

    private final Fake fake = new Fake();

    /** A browser without an AUTH_SESSION_ID cookie: no sign-in going on. */
    private KeycloakSession withoutSignIn() {
        RealmModel realm = fake.of(RealmModel.class, Map.of());
        return fake.of(KeycloakSession.class, Map.of(
                "getContext", args -> fake.of(KeycloakContext.class, Map.of("getRealm", a -> realm)),
                "getProvider", args -> fake.of(CookieProvider.class, Map.of("get", a -> null))));
    }

    private static PasswordStrengthResource.ScoreRequest request(String password, String tabId) {
        PasswordStrengthResource.ScoreRequest request = new PasswordStrengthResource.ScoreRequest();
        request.password = password;
        request.tabId = tabId;
        return request;
    }

    private static void assertNotStored(Response response) {
        assertTrue(response.getHeaderString("Cache-Control") == null
                || response.getHeaderString("Cache-Control").contains("no-store"));
    }

    /** Covers: R-PWD-4 */
    @Test
    void anIncompleteRequestIsABadRequestAndTouchesNothing() {
        PasswordStrengthResource resource = new PasswordStrengthResource(fake.of(KeycloakSession.class, Map.of()),
                new Throttle(5, 10));
        for (PasswordStrengthResource.ScoreRequest bad : new PasswordStrengthResource.ScoreRequest[] {
                null, request(null, "tab"), request("Kq7~xZ9bLm2#", null)}) {
            Response response = resource.score(bad);
            assertEquals(400, response.getStatus());
            assertEquals(Map.of("error", "invalid_request"), response.getEntity());
        }
        assertTrue(fake.calls.isEmpty());
    }

    /** Not an open scoring service: outside a sign-in it answers 403 and scores nothing. Covers: R-PWD-4 */
    @Test
    void withoutASignInItRefuses() {
        Response response = new PasswordStrengthResource(withoutSignIn(), new Throttle(5, 10))
                .score(request("Kq7~xZ9bLm2#", "tab"));
        assertEquals(403, response.getStatus());
        assertEquals(Map.of("error", "no_authentication_session"), response.getEntity());
        assertNotStored(response);
    }
}
