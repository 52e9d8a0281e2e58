package tw.gov.hpa.screening.keycloak.reset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * The reset page's image captcha (R-LCK-2): a short random text, drawn on the server, whose
 * answer is kept only as a salted hash with an expiry in the authentication session.
 *
 * <p>Single use: every check clears the stored answer, right or wrong, so one solved image cannot
 * be replayed and one image cannot be guessed at repeatedly. Posting without an answer is a wrong
 * answer.
 */
public final class Captcha {

    /** Six characters: with five, a template-matching solver still read 1 in 100 (issue 8). */
    public static final int LENGTH = 6;
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final CaptchaStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration lifetime;

    public Captcha(CaptchaStore store, SecureRandom random, Clock clock, Duration lifetime) {
        this.store = store;
        this.random = random;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Captcha(CaptchaStore store) {
        this(store, new SecureRandom(), Clock.systemUTC(), DEFAULT_LIFETIME);
    }

    /** Makes a new challenge, replacing any pending one; returns its text (to be drawn). */
    public String issue() {
        StringBuilder text = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            text.append(StrokeGlyphs.ALPHABET.charAt(random.nextInt(StrokeGlyphs.ALPHABET.length())));
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        long expiresAt = clock.instant().plus(lifetime).getEpochSecond();
        Base64.Encoder b64 = Base64.getEncoder();
        store.put(b64.encodeToString(salt) + ":" + b64.encodeToString(hash(salt, text.toString())) + ":" + expiresAt);
        return text.toString();
    }

    /** Issues a challenge and returns it drawn as a PNG data URI, ready for an img src. */
    public String issueImage() {
        return draw(issue());
    }

    /** A text drawn as a PNG data URI. */
    public String draw(String text) {
        return CaptchaImage.toDataUri(CaptchaImage.render(text, random));
    }

    /** True only for the right answer to an unexpired, unused challenge. Always consumes it. */
    public boolean check(String answer) {
        String stored = store.get();
        store.clear();
        if (stored == null || answer == null || answer.isBlank()) {
            return false;
        }
        String[] parts = stored.split(":");
        if (parts.length != 3) {
            return false;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (clock.instant().getEpochSecond() >= expiresAt) {
            return false;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(parts[1]);
        byte[] actual = hash(b64.decode(parts[0]), normalize(answer));
        return MessageDigest.isEqual(expected, actual);
    }

    /** People type in lower case and add spaces; the alphabet has no case-only pairs. */
    static String normalize(String answer) {
        return answer.replaceAll("\\s", "").toUpperCase(Locale.ROOT);
    }

    private static byte[] hash(byte[] salt, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
