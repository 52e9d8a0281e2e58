package tw.gov.hpa.screening.keycloak.address;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;
import tw.gov.hpa.screening.keycloak.changes.ChangedFields;

/**
 * The mail to a person's old address when a manager changes it (decision 0123), as banks do: the
 * person learns that their account now points elsewhere, to which address (masked), that the new
 * one gets nothing until they confirm it, and whom to call if they did not ask for it. Formatted
 * from the e-mail theme's messages of the realm's default locale (bilingual), as the lockout
 * notice is, and sent only once the change is committed.
 */
public final class OldAddressNotice {

    static final String SUBJECT = "screeningAddressChangedSubject";
    static final String BODY = "screeningAddressChangedBody";
    static final String BODY_HTML = "screeningAddressChangedBodyHtml";

    private static final Logger LOG = Logger.getLogger(OldAddressNotice.class);

    /** A mail ready to send. */
    record Mail(String subject, String text, String html) {
    }

    private OldAddressNotice() {
    }

    /** {0} the account name, {1} the new address masked (never in clear: the old mailbox may be someone else's now). */
    static Mail compose(Properties messages, Locale locale, String username, String newAddress) {
        Object[] args = {username, ChangedFields.maskEmail(newAddress)};
        return new Mail(messages.getProperty(SUBJECT),
                new MessageFormat(messages.getProperty(BODY), locale).format(args),
                new MessageFormat(messages.getProperty(BODY_HTML), locale).format(args));
    }

    /** Sends the notice when this request's transaction has committed; nothing if it rolls back. */
    static void afterCommit(KeycloakSession session, RealmModel realm, String username, String oldAddress,
            String newAddress) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    Locale locale = realm.getDefaultLocale() == null ? Locale.ENGLISH
                            : Locale.forLanguageTag(realm.getDefaultLocale());
                    Properties messages = session.theme().getTheme(Theme.Type.EMAIL).getMessages(locale);
                    Mail mail = compose(messages, locale, username, newAddress);
                    session.getProvider(EmailSenderProvider.class)
                            .send(realm.getSmtpConfig(), oldAddress, mail.subject(), mail.text(), mail.html());
                } catch (Exception e) {
                    // The change stands whether or not the notice goes out; no address in the line.
                    LOG.warnf("address-change notice in realm %s not sent: %s", realm.getName(), e.toString());
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }
}
