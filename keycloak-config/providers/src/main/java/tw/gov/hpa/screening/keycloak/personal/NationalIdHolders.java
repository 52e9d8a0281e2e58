package tw.gov.hpa.screening.keycloak.personal;

import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/** What {@link NationalIdCheck} needs to know from Keycloak: who holds a digest, who is asking. */
final class NationalIdHolders {

    private NationalIdHolders() {
    }

    static Set<String> storedDigests(UserModel user) {
        return user == null ? Set.of()
                : user.getAttributeStream(UserPersonalData.NATIONAL_ID_DIGESTS).collect(Collectors.toSet());
    }

    /** Does an account other than {@code user} (null: any account) hold this whole-ID digest? */
    static Predicate<String> heldByAnother(KeycloakSession session, RealmModel realm, UserModel user) {
        return whole -> session.users()
                .searchForUserByUserAttributeStream(realm, UserPersonalData.NATIONAL_ID_DIGESTS, whole)
                .anyMatch(other -> user == null || !other.getId().equals(user.getId()));
    }

    /** Is the request's caller an administrator of the server (signed in to the master realm)? */
    static boolean byServerAdmin(KeycloakSession session) {
        return session.getContext().getBearerToken() instanceof AccessToken token
                && token.getIssuer() != null
                && token.getIssuer().endsWith("/realms/" + Config.getAdminRealm());
    }
}
