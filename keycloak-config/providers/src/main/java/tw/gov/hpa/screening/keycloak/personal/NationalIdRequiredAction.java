package tw.gov.hpa.screening.keycloak.personal;

import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Optional;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The required action {@value NationalIdRequiredActionFactory#ID} (decision 0120): an account that
 * holds no national ID (made before the rule, or by a path that skipped it) is asked for its
 * person's at the next sign-in, before anything else, so that R-PWD-5 has it when the password is
 * replaced. The same {@link NationalIdCheck} as the console: a valid number, the key present, no
 * other account of the same person. Only the digests are kept (decision 0030).
 */
public class NationalIdRequiredAction implements RequiredActionProvider {

    static final String FIELD = UserPersonalData.NATIONAL_ID;
    static final String TEMPLATE = "login-national-id.ftl";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        UserModel user = context.getUser();
        if (NationalIdHolders.storedDigests(user).isEmpty()
                && user.getRequiredActionsStream().noneMatch(NationalIdRequiredActionFactory.ID::equals)) {
            user.addRequiredAction(NationalIdRequiredActionFactory.ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(context.form().createForm(TEMPLATE));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        UserModel user = context.getUser();
        String given = context.getHttpRequest().getDecodedFormParameters().getFirst(FIELD);
        Optional<NationalIdDigest> digest = NationalIdKey.digest(context.getSession());
        NationalIdCheck.Outcome outcome = NationalIdCheck.of(
                given,
                true, // the account has none: it is required here as at creation
                NationalIdHolders.storedDigests(user),
                false,
                digest,
                NationalIdHolders.heldByAnother(context.getSession(), context.getRealm(), user));
        if (outcome.refused()) {
            Response form = context.form()
                    .addError(new FormMessage(FIELD, outcome.message()))
                    .createForm(TEMPLATE);
            context.challenge(form);
            return;
        }
        if (outcome == NationalIdCheck.Outcome.ACCEPTED) {
            user.setAttribute(UserPersonalData.NATIONAL_ID_DIGESTS, new ArrayList<>(digest.get().digestsOf(given)));
            user.removeAttribute(UserPersonalData.NATIONAL_ID);
            // Which field the person gave, never its value: the audit chain copies this event.
            context.getEvent().clone().event(EventType.UPDATE_PROFILE)
                    .detail(Details.PREF_UPDATED + FIELD, "set").success();
        }
        user.removeRequiredAction(NationalIdRequiredActionFactory.ID);
        context.success();
    }

    @Override
    public void close() {
    }
}
