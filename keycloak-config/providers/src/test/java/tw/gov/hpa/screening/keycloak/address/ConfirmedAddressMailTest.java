package tw.gov.hpa.screening.keycloak.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.sessions.AuthenticationSessionModel;
import tw.gov.hpa.screening.keycloak.Fake;

/** Keycloak's mails wait for a confirmed address; the person's own verification mail does not. Covers: R-CONF-2 */
class ConfirmedAddressMailTest {

    private static final String ADDRESS = "yijun.chen@other-clinic.example.tw";

    private final Fake fake = new Fake();
    private final List<String> sent = new ArrayList<>();

    private ConfirmedAddressMail mail() {
        EmailTemplateProvider keycloaks = fake.of(EmailTemplateProvider.class, Map.of(
                "setUser", args -> null, "setRealm", args -> null, "setAttribute", args -> null,
                "setAuthenticationSession", args -> null,
                "sendExecuteActions", args -> sent.add("actions"),
                "sendVerifyEmail", args -> sent.add("verify"),
                "sendPasswordReset", args -> sent.add("reset"),
                "send", args -> sent.add("send")));
        return new ConfirmedAddressMail(keycloaks);
    }

    private UserModel person(String id, boolean waiting) {
        return fake.of(UserModel.class, Map.of(
                "getId", args -> id, "getEmail", args -> ADDRESS, "isEmailVerified", args -> !waiting,
                "getFirstAttribute", args -> ChangedAddress.MARK.equals(args[0]) && waiting ? ADDRESS : null));
    }

    private AuthenticationSessionModel signedIn(UserModel user) {
        return fake.of(AuthenticationSessionModel.class, Map.of("getAuthenticatedUser", args -> user));
    }

    @Test
    void theConsolesMailsToAWaitingAddressAreRefusedWithTheReason() {
        ConfirmedAddressMail mail = mail();
        mail.setUser(person("p1", true));
        ErrorResponseException refused = assertThrows(ErrorResponseException.class, () -> mail.sendExecuteActions("l", 60));
        assertEquals(409, refused.getResponse().getStatus());
        assertThrows(ErrorResponseException.class, () -> mail.sendVerifyEmail("l", 60));
        assertTrue(sent.isEmpty());
    }

    @Test
    void otherMailsToAWaitingAddressAreMailsNotSent() {
        ConfirmedAddressMail mail = mail();
        mail.setUser(person("p1", true));
        assertThrows(EmailException.class, () -> mail.sendPasswordReset("l", 60));
        assertThrows(EmailException.class, () -> mail.send("s", "t.ftl", Map.of()));
        assertThrows(EmailException.class, () -> mail.send("s", "t.ftl", Map.of(), ADDRESS.toUpperCase()));
        assertTrue(sent.isEmpty());
    }

    @Test
    void thePersonSignedInGetsTheVerificationMail() throws EmailException {
        ConfirmedAddressMail mail = mail();
        UserModel person = person("p1", true);
        mail.setAuthenticationSession(signedIn(person)).setUser(person);
        mail.sendVerifyEmail("l", 60);
        assertEquals(List.of("verify"), sent);
        // Someone else's sign-in is not the person's.
        ConfirmedAddressMail other = mail();
        other.setAuthenticationSession(signedIn(person("p2", false))).setUser(person);
        assertThrows(ErrorResponseException.class, () -> other.sendVerifyEmail("l", 60));
    }

    @Test
    void aConfirmedOrNeverChangedAddressGetsEverything() throws EmailException {
        ConfirmedAddressMail mail = mail();
        mail.setUser(person("p1", false));
        mail.sendExecuteActions("l", 60);
        mail.sendVerifyEmail("l", 60);
        mail.sendPasswordReset("l", 60);
        mail.send("s", "t.ftl", Map.of());
        assertEquals(List.of("actions", "verify", "reset", "send"), sent);
    }
}
