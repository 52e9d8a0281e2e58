package tw.gov.hpa.screening.keycloak.meter;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires the meter's endpoint at {@code /realms/{realm}/password-strength}. The throttle lives here,
 * one per server node, shared by all requests.
 *
 * <p>Options (Keycloak SPI config): {@code spi-realm-restapi-extension--password-strength--rate}
 * (tokens per second, default 5) and {@code ...--burst} (default 10): enough for typing with the
 * page's debounce, too little for bulk guessing.
 */
public class PasswordStrengthResourceProviderFactory extends WiringFactory<RealmResourceProvider>
        implements RealmResourceProviderFactory {

    public static final String ID = "password-strength";

    private Throttle throttle;

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new PasswordStrengthResource(session, throttle);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        throttle = new Throttle(config.getInt("rate", 5), config.getInt("burst", 10));
    }

    @Override
    public String getId() {
        return ID;
    }
}
