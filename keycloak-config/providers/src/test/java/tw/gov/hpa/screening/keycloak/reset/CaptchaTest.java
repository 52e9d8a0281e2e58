package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The reset step's image captcha. Covers: R-LCK-2 */
class CaptchaTest {

    /** In-memory stand-in for the authentication session note. */
    static final class MemoryStore implements CaptchaStore {
        String value;

        @Override public String get() { return value; }
        @Override public void put(String v) { value = v; }
        @Override public void clear() { value = null; }
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-05-01T08:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private final MemoryStore store = new MemoryStore();
    private final MovableClock clock = new MovableClock();
    private final Captcha captcha = new Captcha(store, new SecureRandom(), clock, Duration.ofMinutes(5));

    @Test
    void textComesFromTheUnambiguousAlphabet() {
        for (int i = 0; i < 200; i++) {
            String text = captcha.issue();
            assertEquals(Captcha.LENGTH, text.length());
            for (char c : text.toCharArray()) {
                assertTrue(StrokeGlyphs.ALPHABET.indexOf(c) >= 0, "unexpected " + c);
            }
            assertFalse(text.matches(".*[0O1IL2Z5S8BG].*"));
        }
    }

    @Test
    void rightAnswerPassesCaseAndSpacesIgnored() {
        String text = captcha.issue();
        assertTrue(captcha.check(" " + text.toLowerCase() + " "));
    }

    @Test
    void singleUseEvenWhenRight() {
        String text = captcha.issue();
        assertTrue(captcha.check(text));
        assertFalse(captcha.check(text), "a solved captcha must not be replayed");
    }

    @Test
    void wrongAnswerConsumesTheChallenge() {
        String text = captcha.issue();
        assertFalse(captcha.check("WRONG"));
        assertNull(store.value);
        assertFalse(captcha.check(text), "one image, one try");
    }

    @Test
    void missingAnswerOrChallengeFails() {
        assertFalse(captcha.check("ABCDE"), "nothing was issued");
        captcha.issue();
        assertFalse(captcha.check(null));
        captcha.issue();
        assertFalse(captcha.check(""));
    }

    @Test
    void expiresAfterItsLifetime() {
        String text = captcha.issue();
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertFalse(captcha.check(text));
        text = captcha.issue();
        clock.now = clock.now.plus(Duration.ofMinutes(4).plusSeconds(59));
        assertTrue(captcha.check(text));
    }

    @Test
    void onlyASaltedHashIsStored() {
        String text = captcha.issue();
        assertFalse(store.value.toUpperCase().contains(text));
        String first = store.value;
        // Same text twice would still store differently: the salt is random.
        assertEquals(3, first.split(":").length);
    }

    @Test
    void reissueReplacesThePendingChallenge() {
        String first = captcha.issue();
        String second = captcha.issue();
        if (!first.equals(second)) {
            assertFalse(captcha.check(first));
        }
    }

    @Test
    void imageIsAPngDataUri() throws Exception {
        String uri = captcha.issueImage();
        assertTrue(uri.startsWith("data:image/png;base64,"));
        byte[] png = Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(CaptchaImage.WIDTH, image.getWidth());
        assertEquals(CaptchaImage.HEIGHT, image.getHeight());
        assertNotEquals(image.getRGB(0, 0), darkestPixel(image), "something is drawn");
    }

    @Test
    void everyAlphabetCharacterHasAGlyph() {
        for (char c : StrokeGlyphs.ALPHABET.toCharArray()) {
            assertTrue(StrokeGlyphs.of(c).length > 0);
        }
    }

    private static int darkestPixel(BufferedImage image) {
        int darkest = 0xFFFFFF;
        int best = image.getRGB(0, 0);
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                int sum = (rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF);
                if (sum < darkest) {
                    darkest = sum;
                    best = image.getRGB(x, y);
                }
            }
        }
        return best;
    }
}
