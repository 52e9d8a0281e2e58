package tw.gov.hpa.screening.keycloak.address;

import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidatorConfig;
import tw.gov.hpa.screening.keycloak.address.ChangedAddress.Outcome;
import tw.gov.hpa.screening.keycloak.personal.Callers;

/**
 * Not a check: the user-profile "validator" {@value #ID} on {@code email} sees an administrator's
 * update of a person before it is written - the stored address, whether it was confirmed, the one
 * given, who is asking - and decides with {@link ChangedAddress} what the update does to the
 * address waiting for confirmation (decision 0123). It acts when the request's transaction commits,
 * after Keycloak has written the update (which sets "email verified" and the required actions from
 * what the console sent, so acting earlier would be undone): a manager's new address is left
 * unverified with VERIFY_EMAIL required, and the old address is told ({@link OldAddressNotice})
 * once the change is committed. Never refuses anything; who may change an address at all is
 * {@code screening-no-hand-over}'s.
 */
public class ChangedAddressValidator implements SimpleValidator {

    public static final String ID = "screening-changed-address";

    private static final Logger LOG = Logger.getLogger(ChangedAddressValidator.class);

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        AttributeContext attribute = UserProfileAttributeValidationContext.from(context).getAttributeContext();
        UserModel person = attribute.getUser();
        if (person == null || attribute.getContext() != UserProfileContext.USER_API) {
            return context; // a new account, or the person's own profile
        }
        KeycloakSession session = context.getSession();
        String stored = person.getEmail();
        String given = first(input);
        boolean awaiting = ChangedAddress.awaits(person);
        // No address given is no change: the profile requires one, so a blank one is refused anyway.
        boolean changes = given != null && ChangedAddress.changes(stored, given);
        Outcome outcome = ChangedAddress.onAdminUpdate(Callers.byManagerAlone(session), changes, awaiting,
                person.getFirstAttribute(ChangedAddress.MARK) != null, person.isEmailVerified());
        if (outcome == Outcome.NOTHING) {
            return context;
        }
        RealmModel realm = session.getContext().getRealm();
        String personId = person.getId();
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                UserModel written = session.users().getUserById(realm, personId);
                if (written != null) {
                    apply(written, outcome);
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
        if (ChangedAddress.tellsOldAddress(outcome, stored, awaiting) && given != null) {
            // Enlisted now: once the commit has begun nothing more can be. Sent only if it commits.
            OldAddressNotice.afterCommit(session, realm, person.getUsername(), stored, given);
        }
        return context;
    }

    private static void apply(UserModel person, Outcome outcome) {
        switch (outcome) {
            case AWAIT_CONFIRMATION, KEEP_AWAITING -> {
                String address = person.getEmail();
                if (address == null || address.isBlank()) {
                    person.removeAttribute(ChangedAddress.MARK);
                    return;
                }
                person.setEmailVerified(false);
                person.addRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
                person.setSingleAttribute(ChangedAddress.MARK, address);
                LOG.debugf("address of user %s waits for the person's confirmation (%s)", person.getId(), outcome);
            }
            case FORGET -> person.removeAttribute(ChangedAddress.MARK);
            default -> {
            }
        }
    }

    private static String first(Object input) {
        if (input instanceof List<?> values) {
            return values.stream().map(String::valueOf).filter(v -> !v.isBlank()).findFirst().orElse(null);
        }
        return input == null ? null : String.valueOf(input);
    }
}
