package tw.gov.hpa.screening.keycloak;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

/**
 * The base of our factories, which only wire: nothing to configure, nothing to start after the
 * server is up, nothing to release. A factory that reads options overrides {@link #init}.
 */
public abstract class WiringFactory<T extends Provider> implements ProviderFactory<T> {

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
