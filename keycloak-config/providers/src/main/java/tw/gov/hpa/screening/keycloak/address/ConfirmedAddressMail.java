package tw.gov.hpa.screening.keycloak.address;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Event;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's mails, as Keycloak's own template provider writes and sends them, except to an
 * address a manager gave that the person has not confirmed ({@link ChangedAddress}, decision
 * 0123). The one mail that goes there is the verification mail the person asks for on the
 * sign-in pages, signed in with their own password (Keycloak's VERIFY_EMAIL required action).
 *
 * <p>A withheld mail asked for in the admin console (the set-password or actions mail, the
 * verification mail a manager sends) is refused with 409 and {@link ChangedAddress#WITHHELD},
 * which the console shows; Keycloak's resources would otherwise turn a mail failure into a 500
 * with an English prefix (or, for the verification mail, with no reason at all). Elsewhere (a
 * reset mail through Keycloak's own step, event mails) it is an {@link EmailException}, which
 * Keycloak's callers already handle as a mail not sent.
 */
public class ConfirmedAddressMail implements EmailTemplateProvider {

    private static final Logger LOG = Logger.getLogger(ConfirmedAddressMail.class);

    private final EmailTemplateProvider keycloaks;
    private UserModel user;
    private AuthenticationSessionModel authenticationSession;

    public ConfirmedAddressMail(EmailTemplateProvider keycloaks) {
        this.keycloaks = keycloaks;
    }

    @Override
    public EmailTemplateProvider setAuthenticationSession(AuthenticationSessionModel authenticationSession) {
        this.authenticationSession = authenticationSession;
        keycloaks.setAuthenticationSession(authenticationSession);
        return this;
    }

    @Override
    public EmailTemplateProvider setRealm(RealmModel realm) {
        keycloaks.setRealm(realm);
        return this;
    }

    @Override
    public EmailTemplateProvider setUser(UserModel user) {
        this.user = user;
        keycloaks.setUser(user);
        return this;
    }

    @Override
    public EmailTemplateProvider setAttribute(String name, Object value) {
        keycloaks.setAttribute(name, value);
        return this;
    }

    /** The set-password / actions mail: only ever asked for in the admin console (UserResource). */
    @Override
    public void sendExecuteActions(String link, long expirationInMinutes) throws EmailException {
        refuseInConsole(user);
        keycloaks.sendExecuteActions(link, expirationInMinutes);
    }

    @Override
    public void sendVerifyEmail(String link, long expirationInMinutes) throws EmailException {
        if (!askedBySignedInPerson()) {
            // A verification mail a manager sends: whoever reads the new mailbox could confirm it
            // without the person's password (Keycloak confirms the link in any browser).
            refuseInConsole(user);
        }
        keycloaks.sendVerifyEmail(link, expirationInMinutes);
    }

    @Override
    public void sendPasswordReset(String link, long expirationInMinutes) throws EmailException {
        withhold(user);
        keycloaks.sendPasswordReset(link, expirationInMinutes);
    }

    @Override
    public void sendEvent(Event event) throws EmailException {
        withhold(user);
        keycloaks.sendEvent(event);
    }

    @Override
    public void sendSmtpTestEmail(Map<String, String> config, UserModel user) throws EmailException {
        withhold(user);
        keycloaks.sendSmtpTestEmail(config, user);
    }

    @Override
    public void sendConfirmIdentityBrokerLink(String link, long expirationInMinutes) throws EmailException {
        withhold(user);
        keycloaks.sendConfirmIdentityBrokerLink(link, expirationInMinutes);
    }

    @Override
    public void sendVerifiableCredentialOffer(String link, long expirationInMinutes) throws EmailException {
        withhold(user);
        keycloaks.sendVerifiableCredentialOffer(link, expirationInMinutes);
    }

    @Override
    public void sendOrgInviteEmail(OrganizationModel organization, String link, long expirationInMinutes)
            throws EmailException {
        withhold(user);
        keycloaks.sendOrgInviteEmail(organization, link, expirationInMinutes);
    }

    /** To the address the person is changing to themselves (UPDATE_EMAIL), not to the waiting one. */
    @Override
    public void sendEmailUpdateConfirmation(String link, long expirationInMinutes, String address)
            throws EmailException {
        withholdTo(address);
        keycloaks.sendEmailUpdateConfirmation(link, expirationInMinutes, address);
    }

    @Override
    public void send(String subjectFormatKey, String bodyTemplate, Map<String, Object> bodyAttributes)
            throws EmailException {
        withholdTo(null);
        keycloaks.send(subjectFormatKey, bodyTemplate, bodyAttributes);
    }

    @Override
    public void send(String subjectFormatKey, List<Object> subjectAttributes, String bodyTemplate,
            Map<String, Object> bodyAttributes) throws EmailException {
        withholdTo(null);
        keycloaks.send(subjectFormatKey, subjectAttributes, bodyTemplate, bodyAttributes);
    }

    @Override
    public void send(String subjectFormatKey, String bodyTemplate, Map<String, Object> bodyAttributes,
            String destinationEmail) throws EmailException {
        withholdTo(destinationEmail);
        keycloaks.send(subjectFormatKey, bodyTemplate, bodyAttributes, destinationEmail);
    }

    @Override
    public void send(String subjectFormatKey, List<Object> subjectAttributes, String bodyTemplate,
            Map<String, Object> bodyAttributes, String destinationEmail) throws EmailException {
        withholdTo(destinationEmail);
        keycloaks.send(subjectFormatKey, subjectAttributes, bodyTemplate, bodyAttributes, destinationEmail);
    }

    @Override
    public void close() {
    }

    /** The verification mail of the VERIFY_EMAIL step: the person is signed in, in this very flow. */
    private boolean askedBySignedInPerson() {
        UserModel signedIn = authenticationSession == null ? null : authenticationSession.getAuthenticatedUser();
        return signedIn != null && user != null && signedIn.getId().equals(user.getId());
    }

    private static void refuseInConsole(UserModel to) {
        if (ChangedAddress.awaits(to)) {
            LOG.infof("mail to user %s not sent: the address waits for the person's confirmation", to.getId());
            throw ErrorResponse.error(ChangedAddress.WITHHELD, Response.Status.CONFLICT);
        }
    }

    private static void withhold(UserModel to) throws EmailException {
        if (ChangedAddress.awaits(to)) {
            LOG.infof("mail to user %s not sent: the address waits for the person's confirmation", to.getId());
            throw new EmailException(ChangedAddress.WITHHELD);
        }
    }

    /** A mail to {@code address} (null: to the user's own address). */
    private void withholdTo(String address) throws EmailException {
        if (address == null || (user != null && !ChangedAddress.changes(user.getEmail(), address))) {
            withhold(user);
        }
    }
}
