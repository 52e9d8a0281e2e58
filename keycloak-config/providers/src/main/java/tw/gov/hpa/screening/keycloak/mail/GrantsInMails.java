package tw.gov.hpa.screening.keycloak.mail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.keycloak.email.EmailException;
import org.keycloak.email.freemarker.FreeMarkerEmailTemplateProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's mails, with what the set-up mail a manager sends must say (issue 21 point 5): the
 * account's grants in words ({@code screeningGrants}) and the screening system's address
 * ({@code screeningSystemUrl}); the theme's executeActions.ftl says them with the account, the
 * address to use and how long the link lasts (Keycloak's own {@code linkExpiration}: the lifetime
 * the link really has).
 */
public class GrantsInMails extends FreeMarkerEmailTemplateProvider {

    static final String SYSTEM_CLIENT = "screening-system";

    public GrantsInMails(KeycloakSession session) {
        super(session);
    }

    @Override
    public void sendExecuteActions(String link, long expirationInMinutes) throws EmailException {
        // Maps, which the templates read by key (FreeMarker reads no record accessors).
        attributes.put("screeningGrants", AccountGrants.allOf(paths()).stream()
                .map(g -> Map.of("institution", g.institution(), "institutionCode", g.institutionCode(),
                        "categoryZh", g.categoryZh(), "categoryEn", g.categoryEn(),
                        "levelZh", g.levelZh(), "levelEn", g.levelEn()))
                .toList());
        ClientModel system = realm.getClientByClientId(SYSTEM_CLIENT);
        attributes.put("screeningSystemUrl", system == null || system.getBaseUrl() == null ? "" : system.getBaseUrl());
        super.sendExecuteActions(link, expirationInMinutes);
    }

    private List<List<AccountGrants.Step>> paths() {
        List<List<AccountGrants.Step>> paths = new ArrayList<>();
        user.getGroupsStream().forEach(group -> {
            List<AccountGrants.Step> path = new ArrayList<>();
            for (GroupModel g = group; g != null; g = g.getParent()) {
                path.add(new AccountGrants.Step(g.getName(), g.getDescription()));
            }
            Collections.reverse(path);
            paths.add(path);
        });
        return paths;
    }
}
