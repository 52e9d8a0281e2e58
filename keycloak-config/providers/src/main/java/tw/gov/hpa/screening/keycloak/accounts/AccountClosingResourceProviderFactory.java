package tw.gov.hpa.screening.keycloak.accounts;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@link AccountClosingResource} at {@code /admin/realms/{realm}/screening-closing}. */
public class AccountClosingResourceProviderFactory extends WiringFactory<AdminRealmResourceProvider>
        implements AdminRealmResourceProviderFactory {

    public static final String ID = "screening-closing";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new AdminRealmResourceProvider() {
            @Override
            public Object getResource(KeycloakSession s, RealmModel realm, AdminPermissionEvaluator auth,
                                      AdminEventBuilder adminEvent) {
                return new AccountClosingResource(s, realm, auth);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return ID;
    }
}
