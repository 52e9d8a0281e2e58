package tw.gov.hpa.screening.keycloak.personal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed digests of a national ID's fragments (docs/decisions/0030): Keycloak keeps these, not the
 * number, and still recognises the number, or any run of six or more of its digits, in a password.
 *
 * <p>The digest is {@code HMAC-SHA256(key, fragment)} in lower-case hex; the fragments are
 * {@link NationalId#fragments()} (the whole ID lower-cased, its digits, their runs of 6 to 8). The
 * sync service computes the same ({@code sync_service/domain/national_id_digest.py}): the digest
 * of the whole lower-cased ID tells it whether an account holds an application's ID.
 */
public final class NationalIdDigest {

    /** The longest fragment: a letter and nine digits. */
    static final int MAX_FRAGMENT = 10;

    private final SecretKeySpec key;

    public NationalIdDigest(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("national ID digest key must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public String of(String fragment) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(fragment.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The digest that names the whole number (the lower-cased ID): the one value an account's
     * {@code nationalIdDigests} holds for its person alone, so it says which person the account is.
     */
    public String whole(String nationalId) {
        return of(NationalId.of(nationalId).normalized());
    }

    /** What Keycloak stores for one national ID. */
    public Set<String> digestsOf(String nationalId) {
        Set<String> out = new LinkedHashSet<>();
        for (String fragment : NationalId.of(nationalId).fragments()) {
            out.add(of(fragment));
        }
        return out;
    }

    /** Does the password hold a fragment whose digest is among the stored ones? */
    public boolean foundIn(String password, Set<String> digests) {
        if (password == null || digests.isEmpty()) {
            return false;
        }
        String lower = password.toLowerCase(Locale.ROOT);
        String compact = lower.replaceAll("[\\s\\-./()+]", "");
        return anyRunMatches(lower, digests) || anyRunMatches(compact, digests);
    }

    private boolean anyRunMatches(String text, Set<String> digests) {
        for (int length = NationalId.MIN_DIGIT_RUN; length <= MAX_FRAGMENT; length++) {
            for (int start = 0; start + length <= text.length(); start++) {
                if (digests.contains(of(text.substring(start, start + length)))) {
                    return true;
                }
            }
        }
        return false;
    }
}
