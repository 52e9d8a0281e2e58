package tw.gov.hpa.screening.keycloak.audit;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The end of the sync service's audit chain, as it asks Keycloak to record it (R-AUD-1, decision
 * 0136): the last row's sequence number, its hash, and the service's signature of both. Keycloak
 * does not check the signature (it has not the key); {@code audit verify} does, when it reads the
 * anchors back. Only the form is checked here, so that a stored path is always one anchor.
 */
public record AuditAnchor(long seq, String hash, String signature) {

    /** The first element of the admin event's resource path; the sync service reads by it. */
    public static final String PATH = "screening-audit-anchors";

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    /** {@code key id:base64} as the sync service signs (an Ed25519 signature is 88 characters). */
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{16}:[A-Za-z0-9+/]{86}==");

    public AuditAnchor {
        if (seq < 1 || hash == null || !HASH.matcher(hash).matches()
                || signature == null || !SIGNATURE.matcher(signature).matches()) {
            throw new IllegalArgumentException("not an audit anchor");
        }
    }

    /** From the request's JSON body: {@code {"seq": 42, "hash": "...", "signature": "..."}}. */
    public static AuditAnchor of(Map<String, Object> body) {
        if (body == null || !(body.get("seq") instanceof Number seq)
                || !(body.get("hash") instanceof String hash) || !(body.get("signature") instanceof String signature)) {
            throw new IllegalArgumentException("not an audit anchor");
        }
        return new AuditAnchor(seq.longValue(), hash, signature);
    }

    /** The admin event's resource path elements: {@code screening-audit-anchors/seq/hash/signature}. */
    public String[] path() {
        return new String[] {PATH, Long.toString(seq), hash, signature};
    }
}
