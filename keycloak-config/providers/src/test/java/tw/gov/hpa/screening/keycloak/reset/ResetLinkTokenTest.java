package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** R-LCK-3, R-LCK-4: the reset link is a token of our own type, for ResetLinkHandler. */
class ResetLinkTokenTest {

    @Test
    void carriesUserEmailExpirySessionAndClient() {
        ResetLinkToken token = new ResetLinkToken("user-1", "wang@hospital.example.tw", 1_800_003_600,
                "session.tab.client", "screening-system");
        assertEquals(ResetLinkToken.TOKEN_TYPE, token.getActionId());
        assertEquals("screening-reset-credentials", token.getType());
        assertEquals("user-1", token.getSubject());
        assertEquals("wang@hospital.example.tw", token.getEmail());
        assertEquals(1_800_003_600L, token.getExp());
        assertEquals("session.tab.client", token.getCompoundAuthenticationSessionId());
        assertEquals("screening-system", token.getIssuedFor());
    }

    @Test
    void handlerIsRegisteredForThatType() {
        assertEquals(ResetLinkToken.TOKEN_TYPE, new ResetLinkHandler().getId());
        assertEquals(ResetLinkToken.class, new ResetLinkHandler().getTokenClass());
    }
}
