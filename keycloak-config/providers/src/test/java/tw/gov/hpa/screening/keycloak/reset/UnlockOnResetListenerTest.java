package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.Fake;

/** Which events mean "the person has set a new password", the moment a reset unlocks. Covers: R-LCK-3 */
class UnlockOnResetListenerTest {

    private static Event event(EventType type, Map<String, String> details) {
        Event event = new Event();
        event.setType(type);
        event.setRealmId("realm-1");
        event.setUserId("user-1");
        event.setDetails(details);
        return event;
    }

    /** Covers: R-LCK-3 */
    @Test
    void aPasswordSetByThePersonCounts() {
        assertTrue(UnlockOnResetListener.isPasswordSet(event(EventType.UPDATE_PASSWORD, null)));
        assertTrue(UnlockOnResetListener.isPasswordSet(
                event(EventType.UPDATE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "password"))));
    }

    /** Covers: R-LCK-3 */
    @Test
    void otherCredentialsAndOtherEventsDoNot() {
        assertFalse(UnlockOnResetListener.isPasswordSet(
                event(EventType.UPDATE_CREDENTIAL, Map.of(Details.CREDENTIAL_TYPE, "otp"))));
        assertFalse(UnlockOnResetListener.isPasswordSet(event(EventType.UPDATE_CREDENTIAL, null)));
        assertFalse(UnlockOnResetListener.isPasswordSet(event(EventType.LOGIN_ERROR, null)));
        assertFalse(UnlockOnResetListener.isPasswordSet(event(EventType.RESET_PASSWORD, null)));
    }

    /** An event that is no password change does not even look the user up. Covers: R-LCK-3 */
    @Test
    void anUnrelatedEventTouchesNothing() {
        Fake fake = new Fake();
        new UnlockOnResetListener(fake.of(KeycloakSession.class, Map.of()))
                .onEvent(event(EventType.LOGIN_ERROR, null));
        assertTrue(fake.calls.isEmpty());
    }
}
