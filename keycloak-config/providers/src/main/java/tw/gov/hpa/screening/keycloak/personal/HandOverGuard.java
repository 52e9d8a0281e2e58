package tw.gov.hpa.screening.keycloak.personal;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import tw.gov.hpa.screening.keycloak.grants.Grant;

/**
 * No hand-over (R-CONF-2, issue 18 item 7, decision 0123): a delegated administrator (a manager)
 * may change a person's name or e-mail only when every grant the person holds is in a pair the
 * manager manages. A person who also holds a grant elsewhere - another manager's, or as a manager
 * of another pair - is renamed or re-addressed by nobody but the agency. Pure: the validator hands
 * it the grant group paths.
 */
public final class HandOverGuard {

    public static final String REFUSED = "帳號屬於其本人，不得轉讓（R-CONF-2）：此人另有其他機構或業務類別的權限，"
            + "姓名與電子郵件僅能由國民健康署變更。"
            + " An account belongs to its person and is never handed over (R-CONF-2): this person also holds"
            + " a grant elsewhere, so only the agency changes their name or e-mail address.";

    private HandOverGuard() {
    }

    /** The (institution, category) pairs a caller manages, from their group paths. */
    public static Set<String> pairsManaged(Set<String> callerGroupPaths) {
        return callerGroupPaths.stream()
                .map(path -> Grant.ofGroupPath(path, java.util.List.of()))
                .flatMap(java.util.Optional::stream)
                .filter(g -> "manager".equals(g.level()))
                .map(g -> g.institution() + "/" + g.category())
                .collect(Collectors.toSet());
    }

    /** May a manager of {@code managed} change the name or e-mail of a person with these groups? */
    public static boolean mayChange(Set<String> managed, Set<String> personGroupPaths) {
        return personGroupPaths.stream()
                .map(path -> Grant.ofGroupPath(path, java.util.List.of()))
                .flatMap(java.util.Optional::stream)
                .allMatch(g -> "user".equals(g.level()) && managed.contains(g.institution() + "/" + g.category()));
    }

    /** Is the value given a change of the stored one? (Blank and absent are the same.) */
    public static boolean changes(String stored, String given) {
        String a = stored == null || stored.isBlank() ? null : stored.strip();
        String b = given == null || given.isBlank() ? null : given.strip();
        return !Objects.equals(a, b);
    }
}
