package tw.gov.hpa.screening.keycloak.address;

import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.email.EmailTemplateProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;
import tw.gov.hpa.screening.keycloak.mail.GrantsInMailsFactory;

/**
 * Wires {@link ConfirmedAddressMail} around the realm's mails ("screening-mails": Keycloak's own
 * template provider with the set-up mail's grants in words, issue 21 point 5) as the server's
 * e-mail template provider: its order makes it the default without a build option, so every
 * caller of Keycloak's mails meets it (decision 0123).
 */
public class ConfirmedAddressMailFactory extends WiringFactory<EmailTemplateProvider>
        implements EmailTemplateProviderFactory {

    public static final String ID = "screening-confirmed-address";
    static final String KEYCLOAKS = GrantsInMailsFactory.ID;

    @Override
    public EmailTemplateProvider create(KeycloakSession session) {
        return new ConfirmedAddressMail(session.getProvider(EmailTemplateProvider.class, KEYCLOAKS));
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return 100;
    }
}
