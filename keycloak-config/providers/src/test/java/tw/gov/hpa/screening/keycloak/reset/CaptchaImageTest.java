package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** R-LCK-2: a captcha a template-matching solver cannot cut into characters. */
class CaptchaImageTest {

    private static boolean ink(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        int grey = (((rgb >> 16) & 0xff) * 299 + ((rgb >> 8) & 0xff) * 587 + (rgb & 0xff) * 114) / 1000;
        return grey < 110;
    }

    @Test
    void noBlankColumnSeparatesTheCharacters() {
        Random random = new Random(8);
        for (int n = 0; n < 200; n++) {
            BufferedImage image = CaptchaImage.render("AC3KX", random);
            assertEquals(CaptchaImage.WIDTH, image.getWidth());
            assertEquals(CaptchaImage.HEIGHT, image.getHeight());
            int first = -1;
            int last = -1;
            int blankInside = 0;
            for (int x = 0; x < image.getWidth(); x++) {
                boolean any = false;
                for (int y = 0; y < image.getHeight() && !any; y++) {
                    any = ink(image, x, y);
                }
                if (any) {
                    if (first >= 0 && last < x - 1) {
                        blankInside += x - 1 - last;
                    }
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            assertEquals(0, blankInside, "a blank column splits image " + n);
            assertTrue(last - first > CaptchaImage.WIDTH * 3 / 4, "the ink spans the picture");
        }
    }

    @Test
    void everyCharacterOfTheAlphabetDraws() {
        Random random = new Random(1);
        for (char c : StrokeGlyphs.ALPHABET.toCharArray()) {
            CaptchaImage.render(String.valueOf(c).repeat(Captcha.LENGTH), random);
        }
    }
}
