package tw.gov.hpa.screening.keycloak.links;

import java.util.Arrays;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.ExplainedTokenVerificationException;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionTokenHandler;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;

/**
 * Keycloak's own handler of the set-password link (execute-actions: a manager's mail from the
 * console, the legacy import's mails), with one more check: the link is refused once the realm's
 * admin action lifespan (policies/security.toml [reset], one hour) has passed since it was issued,
 * even when the sender asked for longer ({@link LinkAge}). Keycloak then shows its "link expired"
 * page with our words: what to do now (「忘記密碼？」, or the account manager sends it again). Registered under Keycloak's id with a higher order, so it replaces the built-in
 * handler (ProviderManager.compareFactories, 26.7.3).
 */
public class SetPasswordLinkHandler extends ExecuteActionsActionTokenHandler {

    /** The theme's message for a link past its hour (login messages, zh-Hant and English). */
    static final String LINK_EXPIRED = "screeningSetPasswordLinkExpiredMessage";

    @Override
    @SuppressWarnings("unchecked")
    public Predicate<? super ExecuteActionsActionToken>[] getVerifiers(
            ActionTokenContext<ExecuteActionsActionToken> tokenContext) {
        Predicate<? super ExecuteActionsActionToken>[] keycloaks = super.getVerifiers(tokenContext);
        Predicate<? super ExecuteActionsActionToken>[] all = Arrays.copyOf(keycloaks, keycloaks.length + 1);
        int lifetime = tokenContext.getRealm().getActionTokenGeneratedByAdminLifespan();
        all[keycloaks.length] = (Predicate<ExecuteActionsActionToken>) token -> {
            if (LinkAge.tooOld(token.getIat(), Time.currentTime(), lifetime)) {
                // Explained, not TokenNotActiveException: Keycloak (26.7.3 LoginActionsService.handleActionToken)
                // catches the handler's verifiers' exceptions as this or as a bare VerificationException, which
                // shows "an error occurred" (invalidCodeMessage) instead of the expired-link page.
                // Keycloak's own words (expiredActionTokenNoSessionMessage, 「動作逾時。」) say nothing of
                // what to do next; ours do.
                throw new ExplainedTokenVerificationException(token, Errors.EXPIRED_CODE, LINK_EXPIRED);
            }
            return true;
        };
        return all;
    }

    @Override
    public int order() {
        return 1;
    }
}
