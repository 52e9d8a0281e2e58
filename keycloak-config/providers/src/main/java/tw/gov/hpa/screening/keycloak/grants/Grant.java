package tw.gov.hpa.screening.keycloak.grants;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One grant of a person, as the token contract states it (docs/token-contract.md): the
 * institution, the business category, the level and the category's functions. A grant is
 * membership of {@code /institutions/{code}/{CAT}/users} or {@code .../managers}
 * (sync_service/adapters/keycloak_groups.py); functions are the {@code function:{CAT}:*} roles
 * the category role holds.
 */
public record Grant(String institution, String category, String level, List<String> functions) {

    private static final Pattern PATH = Pattern.compile(
            "^/institutions/(\\d{10})/([A-Z]+-[A-Z]+)/(managers|users)$");

    /** The grant a group path stands for, or empty for any other group. */
    public static Optional<Grant> ofGroupPath(String path, List<String> functions) {
        Matcher m = PATH.matcher(path == null ? "" : path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String level = "managers".equals(m.group(3)) ? "manager" : "user";
        return Optional.of(new Grant(m.group(1), m.group(2), level, List.copyOf(functions)));
    }

    /** The category of a grant group path (to look its functions up), or empty. */
    public static Optional<String> categoryOf(String path) {
        Matcher m = PATH.matcher(path == null ? "" : path);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The claim's JSON object, keys in the contract's order. */
    public Map<String, Object> asClaim() {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("institution", institution);
        claim.put("category", category);
        claim.put("level", level);
        claim.put("functions", functions);
        return claim;
    }
}
