package tw.gov.hpa.screening.keycloak.reset;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.resetcred.ResetCredentialsActionToken;
import org.keycloak.common.ClientConnection;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.theme.Theme;
import tw.gov.hpa.screening.keycloak.address.ChangedAddress;

/**
 * The outcome of a "forgot password" request with the captcha right, carried out after the
 * response (R-LCK-2; issue 8, points 10 and 11).
 *
 * <p>Why after the response: sending a mail took 15-20 ms, so the time of the answer told whether
 * account and e-mail matched. The request now does the same for every case - look the account up,
 * decide, hand this job over - and the job, on Keycloak's executor and in its own transaction,
 * records the event, applies the throttle ({@link ResetMailThrottle}), signs the link and sends.
 *
 * <p>Why the mail is formatted from the theme's messages and not the e-mail template provider:
 * outside a request the template provider fails resolving the locale (26.7.3, see
 * LockoutNoticeListener); so the mail is formatted here, in the person's own language (their
 * {@code locale} attribute, else the realm's default: zh-Hant with English beside).
 */
public final class ResetMail {

    /** Stands in the link until the job signs the token (URL-safe: letters only). */
    public static final String TOKEN_PLACEHOLDER = "SCREENINGRESETTOKEN";
    public static final String ERROR_THROTTLED = "reset_mail_throttled";
    /** The address is one a manager gave and the person has not confirmed (decision 0123). */
    public static final String ERROR_UNCONFIRMED = "address_not_confirmed";
    /** Realm attribute written from policies/security.toml ([reset] mail_interval_seconds). */
    public static final String INTERVAL_ATTRIBUTE = "screeningResetMailIntervalSeconds";
    static final int DEFAULT_INTERVAL_SECONDS = 300;

    static final String SUBJECT = "passwordResetSubject";
    static final String BODY = "screeningPasswordResetBody";
    static final String BODY_HTML = "screeningPasswordResetBodyHtml";

    private static final Logger LOG = Logger.getLogger(ResetMail.class);

    /**
     * What the request knew. {@code userId} is null when nothing is sent ({@code error} says why).
     * {@code linkTemplate} is the action-token URL of this request with {@link #TOKEN_PLACEHOLDER}.
     */
    public record Request(String realmId, String userId, String error, String typedUsername, String typedEmail,
                          String clientId, String authSessionId, String linkTemplate, String issuer,
                          String remoteAddr, int requestedAt) {
    }

    private ResetMail() {
    }

    /** Runs the job once this request's transaction has committed, on Keycloak's executor. */
    public static void afterResponse(KeycloakSession session, Request request) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        Executor executor = session.getProvider(ExecutorsProvider.class).getExecutor("screening-reset-mail");
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                executor.execute(() -> {
                    try {
                        KeycloakModelUtils.runJobInTransaction(factory, s -> carryOut(s, request));
                    } catch (RuntimeException e) {
                        // Off the request thread nobody else would see it; no personal data in the line.
                        LOG.warnf("reset request in realm %s not carried out: %s", request.realmId(), e.toString());
                    }
                });
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    static void carryOut(KeycloakSession session, Request request) {
        RealmModel realm = session.realms().getRealm(request.realmId());
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm);
        EventBuilder event = new EventBuilder(realm, session, new Connection(request.remoteAddr()))
                .event(EventType.SEND_RESET_PASSWORD)
                .client(request.clientId())
                .detail(Details.USERNAME, request.typedUsername());
        UserModel user = request.userId() == null ? null : session.users().getUserById(realm, request.userId());
        if (user == null) {
            event.detail(Details.EMAIL, request.typedEmail()).error(request.error());
            return;
        }
        event.user(user).detail(Details.EMAIL, user.getEmail());
        if (ChangedAddress.awaits(user)) {
            // A reset link to an address the person has not confirmed would hand the account to
            // whoever reads that mailbox. The page said the same as always; the event says why.
            event.error(ERROR_UNCONFIRMED);
            return;
        }
        ResetMailThrottle throttle = new ResetMailThrottle(
                (key, seconds) -> session.singleUseObjects().putIfAbsent(key, seconds), interval(realm));
        if (!throttle.mayMail(user.getId(), user.getEmail())) {
            event.error(ERROR_THROTTLED);
            return;
        }
        int lifespan = realm.getActionTokenGeneratedByUserLifespan(ResetCredentialsActionToken.TOKEN_TYPE);
        ResetLinkToken token = new ResetLinkToken(user.getId(), user.getEmail(), request.requestedAt() + lifespan,
                request.authSessionId(), request.clientId());
        token.issuedNow().issuer(request.issuer()).audience(request.issuer());
        String link = request.linkTemplate().replace(TOKEN_PLACEHOLDER, session.tokens().encode(token));
        try {
            send(session, realm, user, link, lifespan);
            event.success();
        } catch (EmailException | IOException | RuntimeException e) {
            LOG.warnf("reset mail to user %s in realm %s not sent: %s", user.getId(), realm.getName(), e.toString());
            event.detail(Details.REASON, e.getClass().getSimpleName()).error("email_send_failed");
        }
    }

    static int interval(RealmModel realm) {
        String value = realm.getAttribute(INTERVAL_ATTRIBUTE);
        try {
            return value == null ? DEFAULT_INTERVAL_SECONDS : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_INTERVAL_SECONDS;
        }
    }

    private static void send(KeycloakSession session, RealmModel realm, UserModel user, String link, int lifespan)
            throws EmailException, IOException {
        Locale locale = languageOf(realm, user);
        Properties messages = session.theme().getTheme(Theme.Type.EMAIL).getMessages(locale);
        long minutes = TimeUnit.SECONDS.toMinutes(lifespan);
        String validity = validity(messages, locale, minutes);
        String realmName = realm.getDisplayName() == null ? realm.getName() : realm.getDisplayName();
        Object[] args = {link, minutes, realmName, validity, user.getUsername(), validityEnglish(messages, minutes)};
        session.getProvider(EmailSenderProvider.class).send(realm.getSmtpConfig(), user,
                messages.getProperty(SUBJECT),
                new MessageFormat(messages.getProperty(BODY), locale).format(args),
                new MessageFormat(messages.getProperty(BODY_HTML), locale).format(args));
    }

    /** "1 小時" / "1 hour": the words Keycloak's link-expiry formatter uses, from the theme's messages. */
    /** The person's chosen language, else the realm's default one. */
    static Locale languageOf(RealmModel realm, UserModel user) {
        String tag = user.getFirstAttribute(UserModel.LOCALE);
        if (tag == null || tag.isBlank()) {
            tag = realm.getDefaultLocale();
        }
        return tag == null ? Locale.ENGLISH : Locale.forLanguageTag(tag);
    }

    static String validity(Properties messages, Locale locale, long minutes) {
        boolean hours = minutes >= 60 && minutes % 60 == 0;
        long amount = hours ? minutes / 60 : minutes;
        String unit = messages.getProperty("linkExpirationFormatter.timePeriodUnit." + (hours ? "hours" : "minutes"),
                hours ? "hours" : "minutes");
        return amount + " " + new MessageFormat(unit, locale).format(new Object[] {amount});
    }

    /** The validity in English words, for the English half of the bilingual mail ({5}). */
    static String validityEnglish(Properties messages, long minutes) {
        boolean hours = minutes >= 60 && minutes % 60 == 0;
        String pattern = messages.getProperty(hours ? "screeningLinkHoursEn" : "screeningLinkMinutesEn",
                hours ? "{0} hours" : "{0} minutes");
        return new MessageFormat(pattern, Locale.ENGLISH).format(new Object[] {hours ? minutes / 60 : minutes});
    }

    /** The asking request's address, for the event (the job runs outside any request). */
    private record Connection(String remoteAddr) implements ClientConnection {
        @Override
        public String getRemoteAddr() {
            return remoteAddr;
        }

        @Override
        public String getRemoteHost() {
            return remoteAddr;
        }

        @Override
        public int getRemotePort() {
            return 0;
        }

        @Override
        public String getLocalAddr() {
            return null;
        }

        @Override
        public int getLocalPort() {
            return 0;
        }
    }
}
