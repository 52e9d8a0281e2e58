package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.provider.ProviderFactory;

/** Factory type of {@link CaptchaObserver}, for {@link CaptchaObserverSpi}. */
public interface CaptchaObserverFactory extends ProviderFactory<CaptchaObserver> {
}
