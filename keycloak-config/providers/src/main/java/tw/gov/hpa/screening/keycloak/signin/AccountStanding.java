package tw.gov.hpa.screening.keycloak.signin;

import java.util.Set;

/**
 * What the sign-in page may tell the holder of an account that cannot sign in, once they have
 * typed its right password (issue 21 point 6; issue 18 item 5): a locked account is locked until
 * a reset; a closed account (R-ACC-2) was closed on a date, for a reason, and someone is to be
 * called. Anyone without the password is told what every wrong password is told.
 *
 * <p>A locked account's password is looked at for the holder's sake, which gives a guesser an
 * answer too: so only until {@code budget} wrong passwords were typed since the lock; after that
 * it is never looked at (a reset clears the count).
 */
public final class AccountStanding {

    /** Keycloak's BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT, in the user attribute below. */
    public static final String PERMANENT_LOCKOUT = "permanentLockout";
    public static final String DISABLED_REASON = "disabledReason";
    /** A closed account (TEAM.md, H18b's AccountClosing): its Taiwanese date and a short key. */
    public static final String CLOSED_AT = "screening.closedAt";
    public static final String CLOSED_BECAUSE = "screening.closedBecause";
    /** Wrong passwords typed for a locked account since its lock (cleared by the reset's unlock). */
    public static final String WRONG_SINCE_LOCK = "screening.wrongPasswordsSinceLock";

    /** The reasons the theme has a sentence for; any other reads the general sentence. */
    static final Set<String> REASONS_SAID = Set.of("last-grant-ended", "suspended");

    public enum Standing {
        /** Enabled, or disabled for a reason this page does not explain (Keycloak's own words). */
        ORDINARY,
        LOCKED,
        CLOSED
    }

    private AccountStanding() {
    }

    /** Closed wins: a closed account that was also locked is not opened by a reset either. */
    public static Standing of(boolean enabled, String disabledReason, String closedAt) {
        if (!enabled && closedAt != null && !closedAt.isBlank()) {
            return Standing.CLOSED;
        }
        if (!enabled && PERMANENT_LOCKOUT.equals(disabledReason)) {
            return Standing.LOCKED;
        }
        return Standing.ORDINARY;
    }

    /** Whether the password typed for a locked account is looked at. */
    public static boolean passwordLookedAt(String wrongSinceLock, int budget) {
        return count(wrongSinceLock) < budget;
    }

    public static String oneMoreWrong(String wrongSinceLock) {
        return String.valueOf(count(wrongSinceLock) + 1);
    }

    /** The theme's message for a closed account, by its reason. */
    public static String closedMessage(String because) {
        return because != null && REASONS_SAID.contains(because)
                ? "screeningAccountClosedMessage." + because
                : "screeningAccountClosedMessage";
    }

    /** The realm's budget; none when it is missing or unreadable (the safe side). */
    public static int budget(String value) {
        int n = count(value);
        return n == Integer.MAX_VALUE ? 0 : n;
    }

    static int count(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // unreadable: never look (the safe side)
        }
    }
}
