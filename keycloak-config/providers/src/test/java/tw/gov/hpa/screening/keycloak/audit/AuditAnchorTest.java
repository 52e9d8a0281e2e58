package tw.gov.hpa.screening.keycloak.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The form of an audit anchor Keycloak records (decision 0136). No rule id: a form check. */
class AuditAnchorTest {

    private static final String HASH = "ab".repeat(32);
    private static final String SIGNATURE = "0123456789abcdef:" + "A".repeat(86) + "==";

    @Test
    void aWellFormedAnchorBecomesOneResourcePath() {
        AuditAnchor anchor = AuditAnchor.of(Map.of("seq", 42, "hash", HASH, "signature", SIGNATURE));
        assertArrayEquals(new String[] {"screening-audit-anchors", "42", HASH, SIGNATURE}, anchor.path());
    }

    @Test
    void anythingElseIsRefused() {
        Map<String, Object> body = new HashMap<>(Map.of("seq", 42, "hash", HASH, "signature", SIGNATURE));
        body.put("seq", 0);
        assertThrows(IllegalArgumentException.class, () -> AuditAnchor.of(body));
        body.put("seq", "42");
        assertThrows(IllegalArgumentException.class, () -> AuditAnchor.of(body));
        body.put("seq", 42);
        body.put("hash", HASH.toUpperCase());
        assertThrows(IllegalArgumentException.class, () -> AuditAnchor.of(body));
        body.put("hash", HASH);
        body.put("signature", SIGNATURE + "/../x");
        assertThrows(IllegalArgumentException.class, () -> AuditAnchor.of(body));
        assertThrows(IllegalArgumentException.class, () -> AuditAnchor.of(null));
    }
}
