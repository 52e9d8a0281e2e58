package tw.gov.hpa.screening.keycloak.reset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * TEST ONLY, for bench/captcha_solver.py: writes labelled captcha images as grey PGM files
 * ({@code NNNN_ANSWER.pgm}), drawn by the current renderer or the one before issue 8.
 *
 * <p>Usage: {@code CaptchaSamples current|legacy COUNT SEED DIR}
 */
public final class CaptchaSamples {

    private CaptchaSamples() {
    }

    public static void main(String[] args) throws IOException {
        boolean legacy = "legacy".equals(args[0]);
        int count = Integer.parseInt(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        Path dir = Files.createDirectories(Path.of(args[3]));
        for (int n = 0; n < count; n++) {
            StringBuilder text = new StringBuilder();
            // The first captcha had five characters; the current one has Captcha.LENGTH.
            for (int i = 0; i < (legacy ? 5 : Captcha.LENGTH); i++) {
                text.append(StrokeGlyphs.ALPHABET.charAt(random.nextInt(StrokeGlyphs.ALPHABET.length())));
            }
            BufferedImage image = legacy ? LegacyCaptchaImage.render(text.toString(), random)
                    : CaptchaImage.render(text.toString(), random);
            writePgm(image, dir.resolve(String.format("%04d_%s.pgm", n, text)));
        }
    }

    static void writePgm(BufferedImage image, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("P5\n" + image.getWidth() + " " + image.getHeight() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    int grey = (((rgb >> 16) & 0xff) * 299 + ((rgb >> 8) & 0xff) * 587 + (rgb & 0xff) * 114) / 1000;
                    out.write(grey);
                }
            }
        }
    }
}
