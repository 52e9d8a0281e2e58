package tw.gov.hpa.screening.keycloak.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.ThemeManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.theme.Theme;
import tw.gov.hpa.screening.keycloak.Fake;
import tw.gov.hpa.screening.keycloak.address.ChangedAddress;

/** The mail that tells a locked-out person how to unlock. Covers: R-LCK-1 */
class LockoutNoticeListenerTest {

    private final Fake fake = new Fake();
    private final List<Object[]> sent = new ArrayList<>();
    private String email = "yijun.chen@clinic.example.tw";
    private boolean mailServerDown;
    private String addressToConfirm;

    private KeycloakSession session() {
        Properties messages = new Properties();
        messages.setProperty(LockoutNoticeListener.SUBJECT, "帳號已鎖定 / Account locked");
        messages.setProperty(LockoutNoticeListener.BODY, "{0}：請以「忘記密碼」解鎖 / use Forgot password");
        messages.setProperty(LockoutNoticeListener.BODY_HTML, "<p>{0}</p>");
        RealmModel realm = fake.of(RealmModel.class, Map.of(
                "getDefaultLocale", args -> "zh-TW", "getSmtpConfig", args -> Map.of(), "getName", args -> "r"));
        UserModel user = fake.of(UserModel.class, Map.of(
                "getEmail", args -> email, "getUsername", args -> "chenyj01", "getId", args -> "user-1",
                "isEmailVerified", args -> addressToConfirm == null,
                "getFirstAttribute", args -> ChangedAddress.MARK.equals(args[0]) ? addressToConfirm : null));
        Theme theme = fake.of(Theme.class, Map.of("getMessages", args -> messages));
        EmailSenderProvider mailer = fake.of(EmailSenderProvider.class, Map.of("send", args -> {
            if (mailServerDown) {
                throw new IllegalStateException(new EmailException("connection refused"));
            }
            sent.add(args);
            return null;
        }));
        return fake.of(KeycloakSession.class, Map.of(
                "realms", args -> fake.of(RealmProvider.class, Map.of("getRealm", a -> realm)),
                "users", args -> fake.of(UserProvider.class, Map.of("getUserById", a -> user)),
                "theme", args -> fake.of(ThemeManager.class, Map.of("getTheme", a -> theme)),
                "getProvider", args -> mailer));
    }

    private static Event event(EventType type) {
        Event event = new Event();
        event.setType(type);
        event.setRealmId("realm-1");
        event.setUserId("user-1");
        return event;
    }

    /** Covers: R-LCK-1 */
    @Test
    void thePermanentLockoutSendsTheNoticeWithTheAccountName() {
        new LockoutNoticeListener(session()).onEvent(event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT));
        assertEquals(1, sent.size());
        Object[] mail = sent.get(0);
        assertEquals("帳號已鎖定 / Account locked", mail[2]);
        assertEquals("chenyj01：請以「忘記密碼」解鎖 / use Forgot password", mail[3]);
        assertEquals("<p>chenyj01</p>", mail[4]);
    }

    /** Covers: R-LCK-1 */
    @Test
    void otherEventsSendNothingAndLookNothingUp() {
        new LockoutNoticeListener(session()).onEvent(event(EventType.LOGIN_ERROR));
        assertTrue(sent.isEmpty());
        assertTrue(fake.calls.isEmpty());
    }

    /** No address: no one to tell; a mail server that is down does not undo the lock. Covers: R-LCK-1 */
    @Test
    void noAddressOrNoMailServerIsNoError() {
        email = null;
        new LockoutNoticeListener(session()).onEvent(event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT));
        email = "yijun.chen@clinic.example.tw";
        mailServerDown = true;
        new LockoutNoticeListener(session()).onEvent(event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT));
        assertTrue(sent.isEmpty());
    }

    /** An address a manager gave that the person has not confirmed gets no notice (decision 0123). Covers: R-CONF-2 */
    @Test
    void anUnconfirmedChangedAddressIsNotTold() {
        addressToConfirm = email;
        new LockoutNoticeListener(session()).onEvent(event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT));
        assertTrue(sent.isEmpty());
    }
}
