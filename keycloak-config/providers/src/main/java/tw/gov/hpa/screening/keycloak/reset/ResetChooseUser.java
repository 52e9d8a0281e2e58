package tw.gov.hpa.screening.keycloak.reset;

import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.common.util.Time;
import org.keycloak.services.Urls;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The first step of the screening realm's reset-credentials flow, in place of Keycloak's
 * "reset-credentials-choose-user": asks for account, e-mail and an image captcha (R-LCK-2).
 *
 * <p>A wrong or missing captcha shows the form again with a new image and sends nothing. The
 * page's "new image" button shows it again with a new challenge (replacing the pending one) and what
 * was typed. With the captcha right, a mail is
 * due only when account and e-mail both match and the account may reset (see
 * {@link ResetEligibility}); it is sent after the response by {@link ResetMail}. The step never
 * sets a user on this path, so Keycloak's "reset-credential-email" always shows its one "you
 * should receive an e-mail" page without sending: the same page, in the same time, whatever happened.
 */
public class ResetChooseUser implements Authenticator {

    static final String FIELD_USERNAME = "username";
    static final String FIELD_EMAIL = "email";
    static final String FIELD_CAPTCHA = "captcha";
    /** The "new image" button: another challenge, what was typed kept, no answer judged. */
    static final String FIELD_NEW_IMAGE = "captchaNewImage";

    /** Form attributes read by login-reset-password.ftl. */
    static final String ATTR_CAPTCHA_IMAGE = "captchaImage";
    static final String ATTR_USERNAME = "resetUsername";
    static final String ATTR_EMAIL = "resetEmail";

    static final String CAPTCHA_INVALID = "screeningCaptchaInvalidMessage";
    static final String EMAIL_MISSING = "missingEmailMessage";
    static final String ERROR_CAPTCHA = "invalid_captcha";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String actionTokenUserId = context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
        if (actionTokenUserId != null) {
            // Back from the mailed link: Keycloak has checked the token and that the user exists
            // and is enabled (for a locked-out one, ResetLinkHandler opened the LockoutWindow).
            UserModel user = context.getSession().users().getUserById(context.getRealm(), actionTokenUserId);
            context.setUser(user);
            context.success();
            return;
        }
        if (context.getAuthenticationSession().getAuthNote(AbstractIdpAuthenticator.EXISTING_USER_INFO) != null) {
            // Re-authentication in a first broker login: same as Keycloak's step, the form is shown
            // and the person still proves account, e-mail and captcha.
            UserModel existing = AbstractIdpAuthenticator.getExistingUser(
                    context.getSession(), context.getRealm(), context.getAuthenticationSession());
            context.setUser(existing);
            challenge(context, existing.getUsername(), "", null);
            return;
        }
        AuthenticationManager.AuthResult sso =
                AuthenticationManager.authenticateIdentityCookie(context.getSession(), context.getRealm(), true);
        if (sso != null) {
            // Already signed in in this browser: as in Keycloak's step, the mail goes to that user.
            context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME,
                    sso.user().getUsername());
            context.setUser(sso.user());
            context.success();
            return;
        }
        challenge(context, "", "", null);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        EventBuilder event = context.getEvent();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String username = trim(form.getFirst(FIELD_USERNAME));
        String email = trim(form.getFirst(FIELD_EMAIL));

        if (form.containsKey(FIELD_NEW_IMAGE)) {
            // The pending challenge is replaced by a new one: its answer is void, nothing is looked up.
            challenge(context, username, email, null);
            return;
        }
        // The captcha first, and consumed whatever follows: nothing is looked up without it.
        if (!captcha(context).check(form.getFirst(FIELD_CAPTCHA))) {
            event.clone().detail(Details.USERNAME, username).error(ERROR_CAPTCHA);
            // challenge(), not failureChallenge(): a failure would count against the account named
            // in the form, letting anyone lock accounts with wrong captchas.
            challenge(context, username, email, new FormMessage(FIELD_CAPTCHA, CAPTCHA_INVALID));
            return;
        }
        if (username.isEmpty()) {
            event.clone().error(Errors.USERNAME_MISSING);
            challenge(context, username, email, new FormMessage(FIELD_USERNAME, Messages.MISSING_USERNAME));
            return;
        }
        if (email.isEmpty()) {
            event.clone().detail(Details.USERNAME, username).error(Errors.INVALID_EMAIL);
            challenge(context, username, email, new FormMessage(FIELD_EMAIL, EMAIL_MISSING));
            return;
        }

        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, username);
        // The account name only: R-LCK-2 asks for the account and the e-mail, both matching.
        UserModel user = session.users().getUserByUsername(realm, username);
        ResetEligibility.Decision decision = ResetEligibility.decide(user != null,
                user == null ? null : user.getEmail(), email,
                user != null && user.isEnabled(),
                user == null ? null : user.getFirstAttribute(ResetEligibility.DISABLED_REASON),
                user == null ? null : user.getFirstAttribute(ResetEligibility.CLOSED_AT));
        boolean send = decision != ResetEligibility.Decision.PRETEND;
        String error = send ? null
                : user == null ? Errors.USER_NOT_FOUND : user.isEnabled() ? Errors.INVALID_EMAIL : Errors.USER_DISABLED;
        // The same work for every case, and no user is set: Keycloak's reset-credential-email step
        // then shows its "you should receive an e-mail" page without sending anything itself. Event,
        // throttle, link and mail are done after the response (ResetMail), so neither the page nor
        // its timing tells whether account and e-mail matched. A locked-out account stays disabled
        // (R-LCK-3): its link is one ResetLinkHandler accepts.
        String linkTemplate = context.getActionTokenUrl(ResetMail.TOKEN_PLACEHOLDER).toString();
        ResetMail.afterResponse(session, new ResetMail.Request(realm.getId(), send ? user.getId() : null, error,
                username, email, authSession.getClient().getClientId(),
                AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId(), linkTemplate,
                Urls.realmIssuer(context.getUriInfo().getBaseUri(), realm.getName()),
                context.getConnection().getRemoteAddr(), Time.currentTime()));
        context.clearUser();
        context.success();
    }

    private void challenge(AuthenticationFlowContext context, String username, String email, FormMessage error) {
        Captcha captcha = captcha(context);
        String text = captcha.issue();
        // Only the test run has an observer (a test-only jar); production has none and logs nothing.
        for (CaptchaObserver observer : context.getSession().getAllProviders(CaptchaObserver.class)) {
            observer.issued(context.getAuthenticationSession(), text);
        }
        var form = context.form()
                .setAttribute(ATTR_CAPTCHA_IMAGE, captcha.draw(text))
                .setAttribute(ATTR_USERNAME, username)
                .setAttribute(ATTR_EMAIL, email);
        if (error != null) {
            form.addError(error);
        }
        context.challenge(form.createPasswordReset());
    }

    private static Captcha captcha(AuthenticationFlowContext context) {
        return new Captcha(new AuthNoteCaptchaStore(context.getAuthenticationSession()));
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
