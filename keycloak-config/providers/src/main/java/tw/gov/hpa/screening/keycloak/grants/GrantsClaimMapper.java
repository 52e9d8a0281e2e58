package tw.gov.hpa.screening.keycloak.grants;

import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * The token contract's mapper (issue 18 item 6, docs/token-contract.md): the claim {@value #CLAIM}
 * lists every grant of the person as {institution, category, level, functions}. It sits in the
 * realm's client scope {@code screening-grants}, a default scope of every relying party, so no
 * client carries a mapper of its own and every one reads the same contract.
 */
public class GrantsClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper {

    public static final String ID = "screening-grants-mapper";
    public static final String CLAIM = "grants";

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, GrantsClaimMapper.class);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "Screening grants 篩檢權限";
    }

    @Override
    public String getHelpText() {
        return "Every grant of the person: institution, category, level, functions (docs/token-contract.md).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        token.getOtherClaims().put(CLAIM, GrantsOfUser.claim(userSession.getRealm(), userSession.getUser()));
    }
}
