package tw.gov.hpa.screening.keycloak.personal;

import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.vault.VaultStringSecret;

/**
 * The national ID digest key, from Keycloak's vault (the file vault of the stack:
 * {@code --vault=file --vault-dir=var/vault}, file {@code <realm>_national-id-digest-key}),
 * never from Keycloak's database. Its content is the key in base64, as the sync service writes it.
 */
public final class NationalIdKey {

    public static final String VAULT_EXPRESSION = "${vault.national-id-digest-key}";

    private static final Logger LOG = Logger.getLogger(NationalIdKey.class);

    private NationalIdKey() {
    }

    public static Optional<NationalIdDigest> digest(KeycloakSession session) {
        if (session == null || session.getContext().getRealm() == null) {
            return Optional.empty();
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(VAULT_EXPRESSION)) {
            Optional<String> value = secret.get();
            if (value.isEmpty() || value.get().equals(VAULT_EXPRESSION)) {
                LOG.warn("national ID digest key not in the vault: national IDs cannot be digested");
                return Optional.empty();
            }
            return Optional.of(new NationalIdDigest(Base64.getDecoder().decode(value.get().strip())));
        }
    }
}
