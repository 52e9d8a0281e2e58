package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Declares {@link CaptchaObserver} to Keycloak, so that a jar may provide one. */
public class CaptchaObserverSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "screening-captcha-observer";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return CaptchaObserver.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return CaptchaObserverFactory.class;
    }
}
