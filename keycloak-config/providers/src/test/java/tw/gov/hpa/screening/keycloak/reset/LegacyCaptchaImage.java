package tw.gov.hpa.screening.keycloak.reset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;

/** TEST ONLY: the captcha drawing before issue 8 (a template-matching solver read 29 of 30), kept as the solver bench's baseline.
 *
 * Draws a captcha text as a PNG, on the server, with java.awt in headless mode: each character
 * turned, shifted and scaled a little, over noise lines, so that plain OCR has some work to do
 * while a person still reads it at a glance.
 */
final class LegacyCaptchaImage {

    static final int WIDTH = 200;
    static final int HEIGHT = 64;

    private LegacyCaptchaImage() {
    }

    static {
        // No display on a server: never try to open one.
        System.setProperty("java.awt.headless", "true");
    }

    public static BufferedImage render(String text, Random random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(245, 245, 245));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            noise(g, random, 6, 1f);
            double slot = (WIDTH - 20.0) / text.length();
            for (int i = 0; i < text.length(); i++) {
                drawGlyph(g, random, text.charAt(i), 10 + i * slot, slot);
            }
            noise(g, random, 3, 1.5f);
        } finally {
            g.dispose();
        }
        return image;
    }

    public static String toDataUri(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static void drawGlyph(Graphics2D g, Random random, char c, double x, double slot) {
        double scale = 6.0 + random.nextDouble() * 1.5;
        Path2D path = new Path2D.Double();
        for (double[] line : StrokeGlyphs.of(c)) {
            path.moveTo(line[0], line[1]);
            for (int p = 2; p < line.length; p += 2) {
                path.lineTo(line[p], line[p + 1]);
            }
        }
        AffineTransform t = new AffineTransform();
        t.translate(x + (slot - 4 * scale) / 2 + random.nextInt(5) - 2,
                (HEIGHT - 6 * scale) / 2 + random.nextInt(9) - 4);
        t.rotate(Math.toRadians(random.nextInt(31) - 15), 2 * scale, 3 * scale);
        t.scale(scale, scale);
        g.setColor(new Color(random.nextInt(80), random.nextInt(80), 60 + random.nextInt(100)));
        g.setStroke(new BasicStroke(3.0f + random.nextFloat(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(t.createTransformedShape(path));
    }

    private static void noise(Graphics2D g, Random random, int lines, float width) {
        g.setStroke(new BasicStroke(width));
        for (int i = 0; i < lines; i++) {
            g.setColor(new Color(120 + random.nextInt(100), 120 + random.nextInt(100), 120 + random.nextInt(100)));
            g.drawLine(random.nextInt(WIDTH), random.nextInt(HEIGHT), random.nextInt(WIDTH), random.nextInt(HEIGHT));
        }
    }
}
