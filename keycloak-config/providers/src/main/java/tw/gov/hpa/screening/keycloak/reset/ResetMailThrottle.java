package tw.gov.hpa.screening.keycloak.reset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * At most one reset mail per account and one per e-mail address within an interval (R-LCK-2;
 * issue 8, point 10: one person received 40 reset mails within minutes). Both must be free: a
 * shared clinic mailbox behind several accounts gets one mail per interval too. The person sees
 * the same page either way; a throttled request is only an event.
 */
public final class ResetMailThrottle {

    /** Where claims are kept; Keycloak's single-use object store in production (cluster-wide). */
    public interface Claims {
        /** True when the key was free and is now held for the given seconds. */
        boolean claim(String key, int seconds);
    }

    static final String PREFIX = "screening-reset-mail:";

    private final Claims claims;
    private final int intervalSeconds;

    public ResetMailThrottle(Claims claims, int intervalSeconds) {
        this.claims = claims;
        this.intervalSeconds = intervalSeconds;
    }

    /** Claims both the account's and the address's slot; true when a mail may go out now. */
    public boolean mayMail(String userId, String email) {
        if (intervalSeconds <= 0) {
            return true;
        }
        boolean account = claims.claim(PREFIX + "account:" + userId, intervalSeconds);
        boolean address = claims.claim(PREFIX + "address:" + digest(email), intervalSeconds);
        return account && address;
    }

    /** The key names the address by digest: the store holds no e-mail address. */
    static String digest(String email) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
