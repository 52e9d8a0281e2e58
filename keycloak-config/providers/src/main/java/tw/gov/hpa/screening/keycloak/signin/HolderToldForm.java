package tw.gov.hpa.screening.keycloak.signin;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.idm.CredentialRepresentation;
import tw.gov.hpa.screening.keycloak.signin.AccountStanding.Standing;

/**
 * Keycloak's username and password form, which tells the holder of a locked or closed account
 * what happened once they have typed its right password (issue 21 point 6, issue 18 item 5). A
 * wrong password reads as every wrong password does, whatever the account (or no account).
 *
 * <p>Keycloak 26.7.3 asks whether an account is locked before it looks at the password
 * ({@code validatePassword}) and whether it is enabled only after the right one
 * ({@code validateUser}): the two questions are answered here.
 */
public class HolderToldForm extends UsernamePasswordForm {

    static final String LOCKED = "screeningAccountLockedMessage";
    static final String DISABLED = "screeningAccountDisabledMessage";
    /** Realm attributes written by `make realm` from policies/ (security.toml, helpdesk.toml). */
    static final String BUDGET = "screeningLockedPasswordLooks";
    static final String DESK_PHONE = "screeningHelpDeskPhone";
    static final String DESK_EMAIL = "screeningHelpDeskEmail";

    public HolderToldForm(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean isDisabledByBruteForce(AuthenticationFlowContext context, UserModel user) {
        String error = AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (error == null) {
            return false;
        }
        context.getEvent().user(user);
        context.getEvent().error(error);
        Standing standing = standing(user);
        if (standing != Standing.ORDINARY && rightPasswordOfLocked(context, user)) {
            context.getEvent().detail("screening_told", standing.name().toLowerCase());
            context.forceChallenge(told(context, user, standing));
            return true;
        }
        // As Keycloak answers: the same words as a wrong password.
        context.forceChallenge(challenge(context, disabledByBruteForceError(error), disabledByBruteForceFieldError()));
        return true;
    }

    @Override
    public boolean enabledUser(AuthenticationFlowContext context, UserModel user) {
        if (isDisabledByBruteForce(context, user)) {
            return false;
        }
        if (user.isEnabled()) {
            return true;
        }
        // Reached only after the right password (validatePassword runs first).
        context.getEvent().user(user);
        context.getEvent().error(Errors.USER_DISABLED);
        Standing standing = standing(user);
        context.getEvent().detail("screening_told", standing == Standing.CLOSED ? "closed" : "disabled");
        context.forceChallenge(told(context, user, standing == Standing.CLOSED ? Standing.CLOSED : null));
        return false;
    }

    private static Standing standing(UserModel user) {
        return AccountStanding.of(user.isEnabled(), user.getFirstAttribute(AccountStanding.DISABLED_REASON),
                user.getFirstAttribute(AccountStanding.CLOSED_AT));
    }

    /** The password typed is the account's, looked at only within the budget; the hash is paid either way. */
    private boolean rightPasswordOfLocked(AuthenticationFlowContext context, UserModel user) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String password = form.getFirst(CredentialRepresentation.PASSWORD);
        String wrong = user.getFirstAttribute(AccountStanding.WRONG_SINCE_LOCK);
        if (password == null || password.isEmpty()
                || !AccountStanding.passwordLookedAt(wrong, budget(context.getRealm()))) {
            AuthenticatorUtils.dummyHash(context);
            return false;
        }
        if (user.credentialManager().isValid(UserCredentialModel.password(password))) {
            return true;
        }
        user.setSingleAttribute(AccountStanding.WRONG_SINCE_LOCK, AccountStanding.oneMoreWrong(wrong));
        return false;
    }

    private Response told(AuthenticationFlowContext context, UserModel user, Standing standing) {
        RealmModel realm = context.getRealm();
        String phone = realm.getAttribute(DESK_PHONE);
        String email = realm.getAttribute(DESK_EMAIL);
        var form = context.form().setExecution(context.getExecution().getId());
        if (standing == Standing.LOCKED) {
            form.setError(LOCKED, realm.getFailureFactor(), phone, email);
        } else if (standing == Standing.CLOSED) {
            form.setError(AccountStanding.closedMessage(user.getFirstAttribute(AccountStanding.CLOSED_BECAUSE)),
                    user.getFirstAttribute(AccountStanding.CLOSED_AT), phone, email);
        } else {
            form.setError(DISABLED, phone, email);
        }
        return form.createLoginUsernamePassword();
    }

    private static int budget(RealmModel realm) {
        return AccountStanding.budget(realm.getAttribute(BUDGET));
    }
}
