package tw.gov.hpa.screening.keycloak.reset;

import java.util.Locale;

/**
 * Who gets a reset mail (R-LCK-2, R-LCK-3): only a person whose account AND e-mail both match, and
 * whose account is enabled or was disabled by the brute-force permanent lockout. An account
 * disabled by an administrator gets nothing - and the page the person sees does not tell. Nor does
 * a closed account (R-ACC-2) that was also locked: a reset unlocks, it never opens a closed account.
 */
public final class ResetEligibility {

    /** Keycloak's BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT, in the user attribute below. */
    public static final String PERMANENT_LOCKOUT = "permanentLockout";
    public static final String DISABLED_REASON = "disabledReason";
    /** A closed account's mark (signin.AccountStanding.CLOSED_AT). */
    public static final String CLOSED_AT = "screening.closedAt";

    public enum Decision {
        /** Send the mail. */
        SEND,
        /** Send the mail; the account stays disabled until the new password is set (ResetLinkHandler). */
        SEND_TO_LOCKED_OUT,
        /** Send nothing, show the same page. */
        PRETEND
    }

    private ResetEligibility() {
    }

    public static Decision decide(boolean userFound, String userEmail, String givenEmail,
                                  boolean enabled, String disabledReason, String closedAt) {
        if (!userFound || !emailMatches(userEmail, givenEmail)) {
            return Decision.PRETEND;
        }
        if (enabled) {
            return Decision.SEND;
        }
        if (closedAt != null && !closedAt.isBlank()) {
            return Decision.PRETEND;
        }
        return PERMANENT_LOCKOUT.equals(disabledReason) ? Decision.SEND_TO_LOCKED_OUT : Decision.PRETEND;
    }

    static boolean emailMatches(String userEmail, String givenEmail) {
        if (userEmail == null || givenEmail == null || userEmail.isBlank() || givenEmail.isBlank()) {
            return false;
        }
        return userEmail.trim().toLowerCase(Locale.ROOT).equals(givenEmail.trim().toLowerCase(Locale.ROOT));
    }
}
