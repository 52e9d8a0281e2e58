package tw.gov.hpa.screening.keycloak.grants;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Reads a person's grants from their group memberships and the category roles' functions. */
public final class GrantsOfUser {

    private static final Comparator<Grant> ORDER = Comparator.comparing(Grant::institution)
            .thenComparing(Grant::category).thenComparing(Grant::level);

    private GrantsOfUser() {
    }

    public static List<Grant> of(RealmModel realm, UserModel user) {
        return user.getGroupsStream()
                .map(KeycloakModelUtils::buildGroupPath)
                .map(path -> Grant.categoryOf(path).flatMap(cat -> Grant.ofGroupPath(path, functions(realm, cat))))
                .flatMap(Optional::stream)
                .sorted(ORDER)
                .toList();
    }

    public static List<Map<String, Object>> claim(RealmModel realm, UserModel user) {
        return of(realm, user).stream().map(Grant::asClaim).toList();
    }

    private static List<String> functions(RealmModel realm, String category) {
        RoleModel role = realm.getRole("category:" + category);
        String prefix = "function:" + category + ":";
        Stream<RoleModel> composites = role == null ? Stream.empty() : role.getCompositesStream();
        return composites.map(RoleModel::getName)
                .filter(name -> name.startsWith(prefix))
                .map(name -> name.substring(prefix.length()))
                .sorted()
                .toList();
    }
}
