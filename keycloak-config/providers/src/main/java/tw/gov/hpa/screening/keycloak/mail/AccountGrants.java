package tw.gov.hpa.screening.keycloak.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * What a mail says about an account's grants (issue 21 point 5): for each group
 * {@code /institutions/{code}/{CAT}/{users|managers}} the account is in, the institution's name,
 * the category's and the level's, in the mail's language. The names are the groups' descriptions
 * (the institution's name; "中文 / English" for the rest), set by the sync service (decision 0150).
 * Both halves are kept: a zh-Hant mail carries its English beside.
 */
public final class AccountGrants {

    /** One group on the way from the root: its name and description. */
    public record Step(String name, String description) {
    }

    /** One grant as a mail reads it. */
    public record Grant(String institution, String institutionCode, String categoryZh, String categoryEn,
                        String levelZh, String levelEn) {
    }

    private AccountGrants() {
    }

    /** The grant a group path stands for, or null when the group is no grant group. */
    public static Grant of(List<Step> path) {
        if (path.size() != 4 || !"institutions".equals(path.get(0).name())) {
            return null;
        }
        String level = path.get(3).name();
        if (!"users".equals(level) && !"managers".equals(level)) {
            return null;
        }
        Step institution = path.get(1);
        return new Grant(
                words(institution.description(), institution.name(), false),
                institution.name(),
                words(path.get(2).description(), path.get(2).name(), false),
                words(path.get(2).description(), path.get(2).name(), true),
                words(path.get(3).description(), level, false),
                words(path.get(3).description(), level, true));
    }

    public static List<Grant> allOf(List<List<Step>> paths) {
        List<Grant> grants = new ArrayList<>();
        for (List<Step> path : paths) {
            Grant grant = of(path);
            if (grant != null) {
                grants.add(grant);
            }
        }
        return grants;
    }

    /** A description "中文 / English": one half (the name itself when there is none). */
    static String words(String description, String name, boolean english) {
        if (description == null || description.isBlank()) {
            return name;
        }
        String[] halves = description.split(" / ", 2);
        return english && halves.length == 2 ? halves[1].trim() : halves[0].trim();
    }
}
