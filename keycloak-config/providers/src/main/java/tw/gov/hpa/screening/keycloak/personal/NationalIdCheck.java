package tw.gov.hpa.screening.keycloak.personal;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a national ID given for an account may be kept (R-ACC-1, R-CONF-2, decision 0120). Pure:
 * the user-profile validator and the digest listener hand it what they know.
 *
 * <ul>
 *   <li>A new account needs one, except when the server's own administrators make it (as for
 *       decision 0031's exception: they can change the realm and its providers anyway).</li>
 *   <li>It must be a national ID or resident certificate number with a right check digit.</li>
 *   <li>Without the digest key nothing is kept (the number would stay in clear).</li>
 *   <li>An account that holds one keeps it: the same number again is no change; another is refused
 *       to everyone but the server's administrators (a typo the agency asks them to correct).</li>
 *   <li>No other account may hold the same person's digest.</li>
 * </ul>
 */
public final class NationalIdCheck {

    public enum Outcome {
        /** Nothing given where nothing is needed, or the number the account already holds. */
        UNCHANGED(null),
        ACCEPTED(null),
        REQUIRED(NationalIdMessages.REQUIRED),
        INVALID(NationalIdMessages.INVALID),
        NO_KEY(NationalIdMessages.NO_KEY),
        CHANGE_REFUSED(NationalIdMessages.UNCHANGEABLE),
        DUPLICATE(NationalIdMessages.DUPLICATE);

        private final String message;

        Outcome(String message) {
            this.message = message;
        }

        public boolean refused() {
            return message != null;
        }

        public String message() {
            return message;
        }
    }

    private NationalIdCheck() {
    }

    /**
     * @param given         the number given, or null/blank
     * @param creating      the account is being made
     * @param stored        the account's {@code nationalIdDigests} (empty for a new one)
     * @param byServerAdmin the caller is an administrator of the server (master realm)
     * @param digest        the digests under the vault's key, empty without it
     * @param heldByAnother whether another account holds this whole-ID digest
     */
    public static Outcome of(String given, boolean creating, Set<String> stored, boolean byServerAdmin,
            Optional<NationalIdDigest> digest, Predicate<String> heldByAnother) {
        if (given == null || given.isBlank()) {
            return creating && !byServerAdmin ? Outcome.REQUIRED : Outcome.UNCHANGED;
        }
        if (!NationalId.of(given).isValid()) {
            return Outcome.INVALID;
        }
        if (digest.isEmpty()) {
            return Outcome.NO_KEY;
        }
        String whole = digest.get().whole(given);
        if (!stored.isEmpty()) {
            if (stored.contains(whole)) {
                return Outcome.UNCHANGED;
            }
            if (!byServerAdmin) {
                return Outcome.CHANGE_REFUSED;
            }
        }
        return heldByAnother.test(whole) ? Outcome.DUPLICATE : Outcome.ACCEPTED;
    }
}
