package tw.gov.hpa.screening.keycloak.audit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code POST /admin/realms/{realm}/screening-audit-anchors}: records the sync service's audit
 * chain end as one of Keycloak's admin events (resource type CUSTOM, the anchor in the resource
 * path, decision 0136). Admin events are kept with the realm's others (365 days here) and nobody
 * edits one through Keycloak's API: a second place for the chain's end that the sync database's
 * owner cannot write. Needs manage-realm (the sync service's account has it; managers do not).
 */
public class AuditAnchorResource {

    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    AuditAnchorResource(AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response record(Map<String, Object> body) {
        auth.realm().requireManageRealm();
        AuditAnchor anchor;
        try {
            anchor = AuditAnchor.of(body);
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        adminEvent.operation(OperationType.CREATE).resource(ResourceType.CUSTOM).resourcePath(anchor.path()).success();
        return Response.status(Response.Status.CREATED).build();
    }
}
