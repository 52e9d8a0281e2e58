package tw.gov.hpa.screening.keycloak.personal;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/** Who is asking, as far as the rules about a person's name and address need to know. */
public final class Callers {

    private Callers() {
    }

    /**
     * A caller whose rights are fine-grained permissions only: no realm-management manage-users,
     * not the server's administrator. In this realm that is an institution manager (decision 0005);
     * the sync service and the agency's realm administrators hold manage-users.
     */
    public static boolean byManagerAlone(KeycloakSession session) {
        UserModel caller = session.getContext().getUser();
        RealmModel realm = session.getContext().getRealm();
        if (caller == null || realm == null || NationalIdHolders.byServerAdmin(session)) {
            return false;
        }
        ClientModel management = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        RoleModel manageUsers = management == null ? null : management.getRole(AdminRoles.MANAGE_USERS);
        return manageUsers != null && !caller.hasRole(manageUsers);
    }
}
