package tw.gov.hpa.screening.keycloak.reset;

import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.authentication.actiontoken.resetcred.ResetCredentialsActionTokenHandler.ResetCredsAuthenticationProcessor;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.resources.LoginActionsServiceChecks.IsActionRequired;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.CommonClientSessionModel.Action;

import static org.keycloak.services.resources.LoginActionsService.RESET_CREDENTIALS_PATH;

/**
 * Handles {@link ResetLinkToken} as Keycloak handles its own reset link (same checks, same reset
 * flow), except that an account disabled by the permanent lockout is let through for this request
 * ({@link LockoutWindow}): its owner is exactly who the link is for (R-LCK-3).
 *
 * <p>The window is opened in {@link #getAuthenticationSessionIdFromToken}, the first call Keycloak
 * makes to the handler after checking the token's signature and expiry and before it checks that
 * the user is enabled (LoginActionsService.handleActionToken, 26.7.3).
 */
public class ResetLinkHandler extends AbstractActionTokenHandler<ResetLinkToken> {

    public ResetLinkHandler() {
        super(ResetLinkToken.TOKEN_TYPE, ResetLinkToken.class, Messages.RESET_CREDENTIAL_NOT_ALLOWED,
                EventType.RESET_PASSWORD, Errors.NOT_ALLOWED);
    }

    @Override
    public String getAuthenticationSessionIdFromToken(ResetLinkToken token, ActionTokenContext<ResetLinkToken> tokenContext,
                                                      AuthenticationSessionModel currentAuthSession) {
        UserModel user = token.getUserId() == null ? null
                : tokenContext.getSession().users().getUserById(tokenContext.getRealm(), token.getUserId());
        LockoutWindow.openForThisRequest(tokenContext.getSession(), user);
        return super.getAuthenticationSessionIdFromToken(token, tokenContext, currentAuthSession);
    }

    @Override
    public Predicate<? super ResetLinkToken>[] getVerifiers(ActionTokenContext<ResetLinkToken> tokenContext) {
        return TokenUtils.predicates(
                TokenUtils.checkThat(tokenContext.getRealm()::isResetPasswordAllowed, Errors.NOT_ALLOWED,
                        Messages.RESET_CREDENTIAL_NOT_ALLOWED),
                verifyEmail(tokenContext),
                new IsActionRequired(tokenContext, Action.AUTHENTICATE));
    }

    @Override
    public Response handleToken(ResetLinkToken token, ActionTokenContext<ResetLinkToken> tokenContext) {
        return tokenContext.processFlow(false, RESET_CREDENTIALS_PATH, tokenContext.getRealm().getResetCredentialsFlow(),
                null, new ResetCredsAuthenticationProcessor());
    }

    @Override
    public boolean canUseTokenRepeatedly(ResetLinkToken token, ActionTokenContext<ResetLinkToken> tokenContext) {
        return false;
    }
}
