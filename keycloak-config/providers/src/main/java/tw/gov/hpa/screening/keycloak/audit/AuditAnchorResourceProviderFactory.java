package tw.gov.hpa.screening.keycloak.audit;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@link AuditAnchorResource} at {@code /admin/realms/{realm}/screening-audit-anchors}. */
public class AuditAnchorResourceProviderFactory extends WiringFactory<AdminRealmResourceProvider>
        implements AdminRealmResourceProviderFactory {

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new AdminRealmResourceProvider() {
            @Override
            public Object getResource(KeycloakSession s, RealmModel realm, AdminPermissionEvaluator auth,
                                      AdminEventBuilder adminEvent) {
                return new AuditAnchorResource(auth, adminEvent);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return AuditAnchor.PATH;
    }
}
