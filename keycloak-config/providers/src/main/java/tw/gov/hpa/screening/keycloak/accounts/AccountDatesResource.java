package tw.gov.hpa.screening.keycloak.accounts;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code GET /admin/realms/{realm}/screening-accounts?first=0&max=1000}: one page of the realm's
 * people with what the sync service's periodic jobs need and the admin API has no bulk read for:
 * when the current password was set (the credential's createdDate) and the grant groups held.
 *
 * <p>Without it the password reminders would cost one {@code /users/{id}/credentials} request per
 * account (decision 0085). No names, no attributes: only what the jobs use.
 */
public class AccountDatesResource {

    static final int MAX_PAGE = 2000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    AccountDatesResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> page(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        auth.users().requireView();
        int from = first == null || first < 0 ? 0 : first;
        int size = max == null || max <= 0 ? 100 : Math.min(max, MAX_PAGE);
        Map<String, String> groupPaths = new HashMap<>();
        List<Map<String, Object>> page = new ArrayList<>();
        session.users().searchForUserStream(realm, Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "false"), from, size)
                .forEach(user -> page.add(entry(user, groupPaths)));
        return page;
    }

    private static Map<String, Object> entry(UserModel user, Map<String, String> groupPaths) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.getId());
        out.put("username", user.getUsername());
        out.put("email", user.getEmail());
        out.put("enabled", user.isEnabled());
        out.put("passwordCreated", user.credentialManager()
                .getStoredCredentialsByTypeStream(CredentialModel.PASSWORD)
                .map(CredentialModel::getCreatedDate)
                .filter(d -> d != null)
                .max(Long::compare)
                .orElse(null));
        out.put("groups", user.getGroupsStream()
                .map(g -> groupPaths.computeIfAbsent(g.getId(), id -> KeycloakModelUtils.buildGroupPath(g)))
                .toList());
        return out;
    }
}
