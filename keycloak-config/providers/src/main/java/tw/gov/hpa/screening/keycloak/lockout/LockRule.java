package tw.gov.hpa.screening.keycloak.lockout;

/**
 * When the failure count alone says an account is locked (R-LCK-1). With permanent lockout and no
 * temporary lockouts before it (our realm: {@code failureFactor} 3, {@code maxTemporaryLockouts}
 * 0), Keycloak locks the account when the count reaches the failure factor
 * ({@code DefaultBruteForceProtector.failure}). The count lives in the cluster's login-failure
 * cache and is current on every node as soon as it is recorded; the account's own "disabled" flag
 * can reach another node's user cache later. So a guess is refused on the count, too.
 */
final class LockRule {

    private LockRule() {
    }

    static boolean lockedByCount(boolean permanentLockout, int maxTemporaryLockouts, int failureFactor, int failures) {
        return permanentLockout && maxTemporaryLockouts == 0 && failureFactor > 0 && failures >= failureFactor;
    }
}
