package tw.gov.hpa.screening.keycloak.accounts;

import jakarta.persistence.EntityManager;
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
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code GET /admin/realms/{realm}/screening-accounts?first=0&max=1000}: one page of the realm's
 * people with what the sync service's periodic jobs need and the admin API has no bulk read for:
 * when the current password was set (the credential's createdDate) and the grant groups held.
 *
 * <p>Three queries a page (people, their password dates, their memberships) instead of two
 * model lookups per person: the model's per-user loading went through the user cache, which a
 * pass over 100,000 people only churns (decision 0085). The realm's users live in Keycloak's own
 * database (no user federation), so the tables are the whole truth. No names, no attributes.
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
        EntityManager em = entityManager();
        List<Object[]> people = em.createQuery(
                        "select u.id, u.username, u.email, u.enabled from UserEntity u"
                                + " where u.realmId = :realm and u.serviceAccountClientLink is null"
                                + " order by u.username", Object[].class)
                .setParameter("realm", realm.getId())
                .setFirstResult(from).setMaxResults(size).getResultList();
        if (people.isEmpty()) {
            return List.of();
        }
        List<String> ids = people.stream().map(p -> (String) p[0]).toList();
        Map<String, Long> passwordSet = new HashMap<>();
        em.createQuery("select c.user.id, max(c.createdDate) from CredentialEntity c"
                        + " where c.user.id in :ids and c.type = :type group by c.user.id", Object[].class)
                .setParameter("ids", ids).setParameter("type", CredentialModel.PASSWORD)
                .getResultList().forEach(row -> passwordSet.put((String) row[0], (Long) row[1]));
        Map<String, List<String>> groups = new HashMap<>();
        Map<String, String> paths = new HashMap<>();
        em.createQuery("select m.user.id, m.groupId from UserGroupMembershipEntity m where m.user.id in :ids",
                        Object[].class)
                .setParameter("ids", ids)
                .getResultList().forEach(row -> {
                    String path = paths.computeIfAbsent((String) row[1], this::groupPath);
                    if (path != null) {
                        groups.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(path);
                    }
                });
        List<Map<String, Object>> page = new ArrayList<>(people.size());
        for (Object[] p : people) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", p[0]);
            out.put("username", p[1]);
            out.put("email", p[2]);
            out.put("enabled", p[3]);
            out.put("passwordCreated", passwordSet.get((String) p[0]));
            out.put("groups", groups.getOrDefault((String) p[0], List.of()));
            page.add(out);
        }
        return page;
    }

    /**
     * Keycloak's JPA connection, found by name: keycloak-model-jpa, which declares it, cannot be
     * compiled against from Maven Central (its parent POM, keycloak-model-pom, is not published for
     * 26.7.3), and the server has it on the classpath our providers share.
     */
    @SuppressWarnings("unchecked")
    private EntityManager entityManager() {
        try {
            Class<? extends Provider> jpa = (Class<? extends Provider>)
                    Class.forName("org.keycloak.connections.jpa.JpaConnectionProvider");
            Object connection = session.getProvider(jpa);
            return (EntityManager) jpa.getMethod("getEntityManager").invoke(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's JPA connection is not available", e);
        }
    }

    private String groupPath(String groupId) {
        GroupModel group = session.groups().getGroupById(realm, groupId);
        return group == null ? null : KeycloakModelUtils.buildGroupPath(group);
    }
}
