package tw.gov.hpa.screening.keycloak.mail;

import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.email.EmailTemplateProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires {@link GrantsInMails} as "screening-mails", the realm's mails. Keycloak takes the factory of
 * highest order as an SPI's default (order 1 here, Keycloak's own "freemarker" is 0).
 */
public class GrantsInMailsFactory extends WiringFactory<EmailTemplateProvider> implements EmailTemplateProviderFactory {

    public static final String ID = "screening-mails";

    @Override
    public EmailTemplateProvider create(KeycloakSession session) {
        return new GrantsInMails(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return 1;
    }
}
