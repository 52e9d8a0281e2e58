package tw.gov.hpa.screening.keycloak.lockout;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;
import tw.gov.hpa.screening.keycloak.address.ChangedAddress;

/**
 * Tells the person, by mail, that three wrong passwords have locked the account and how to
 * unlock it themselves ("forgot password", R-LCK-1, R-LCK-2, R-LCK-3). Keycloak locks silently; without the
 * notice an owner whose password is being guessed never learns it.
 *
 * <p>Why not the e-mail template provider: Keycloak records the lockout on its brute-force
 * thread, outside any HTTP request, where the template provider fails resolving the locale
 * (found on 26.7.3: "Failed to template email"). The notice is bilingual anyway, so it is
 * formatted from the e-mail theme's messages of the realm's default locale and sent directly.
 */
public class LockoutNoticeListener implements EventListenerProvider {

    static final String SUBJECT = "screeningLockoutSubject";
    static final String BODY = "screeningLockoutBody";
    static final String BODY_HTML = "screeningLockoutBodyHtml";

    private static final Logger LOG = Logger.getLogger(LockoutNoticeListener.class);

    private final KeycloakSession session;

    public LockoutNoticeListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() != EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT || event.getUserId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null || user.getEmail() == null || ChangedAddress.awaits(user)) {
            return; // nowhere to tell, or an address the person has not confirmed (decision 0123)
        }
        try {
            Properties messages = session.theme().getTheme(Theme.Type.EMAIL).getMessages(locale(realm));
            String username = user.getUsername();
            session.getProvider(EmailSenderProvider.class).send(realm.getSmtpConfig(), user,
                    messages.getProperty(SUBJECT),
                    MessageFormat.format(messages.getProperty(BODY), username),
                    MessageFormat.format(messages.getProperty(BODY_HTML), username));
        } catch (EmailException | IOException | RuntimeException e) {
            // The lock stands whether or not the notice goes out.
            LOG.warnf("lockout notice to user %s in realm %s not sent: %s", user.getId(), realm.getName(), e.toString());
        }
    }

    private static Locale locale(RealmModel realm) {
        String tag = realm.getDefaultLocale();
        return tag == null ? Locale.ENGLISH : Locale.forLanguageTag(tag);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    @Override
    public void close() {
    }
}
