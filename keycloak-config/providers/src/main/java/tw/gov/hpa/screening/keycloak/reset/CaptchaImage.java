package tw.gov.hpa.screening.keycloak.reset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws a captcha text as a PNG, on the server, with java.awt in headless mode (R-LCK-2).
 *
 * <p>Why this shape (issue 8, point 10): the first drawing put each character alone in a fixed
 * slot, in a dark colour over light noise lines, so a 100-line program cut the image into five
 * and matched each piece against templates (29 of 30 solved). What defeats that class of solver:
 * <ul>
 * <li>no cut: characters crowd into each other and one stroke of the same ink and width runs
 *     through all of them, so neither columns nor connected pieces separate them;</li>
 * <li>no fixed shape: every vertex of every glyph moves a little, and the whole text is bent by a
 *     random wave, so no template fits twice;</li>
 * <li>no colour filter: glyphs and the crossing strokes share one ink.</li>
 * </ul>
 * People still read it: the glyphs are big, the alphabet has no look-alikes, and a new image is
 * one click away. bench/captcha_solver.py measures a template-matching solver on both drawings.
 */
public final class CaptchaImage {

    static final int WIDTH = 200;
    static final int HEIGHT = 64;

    private CaptchaImage() {
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
            g.setColor(new Color(240 + random.nextInt(16), 240 + random.nextInt(16), 240 + random.nextInt(16)));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            Wave wave = new Wave(random);
            Color ink = new Color(random.nextInt(70), random.nextInt(70), 40 + random.nextInt(90));
            float width = 2.4f + random.nextFloat() * 0.6f;
            g.setColor(ink);
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));

            // Each character its own advance, so that no fixed grid of slots lines up with the text.
            double[] advance = new double[text.length()];
            double total = 0;
            for (int i = 0; i < advance.length; i++) {
                advance[i] = 22 + random.nextDouble() * 16;
                total += advance[i];
            }
            double room = WIDTH - 24;
            if (total > room) {
                for (int i = 0; i < advance.length; i++) {
                    advance[i] *= room / total;
                }
                total = room;
            }
            double x = (WIDTH - total) / 2 + random.nextInt(17) - 8;
            for (int i = 0; i < text.length(); i++) {
                g.draw(glyph(text.charAt(i), x, advance[i], random, wave));
                x += advance[i];
            }
            // Strokes through the text in the same ink: the characters form one connected piece.
            g.draw(crossing(random, wave));
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

    /** One character: grid strokes, each vertex jittered, turned, scaled, then bent by the wave. */
    private static Path2D glyph(char c, double left, double slot, Random random, Wave wave) {
        double scale = 5.6 + random.nextDouble() * 1.4;
        // Wide or narrow as the advance allows: no two instances of a character have one width.
        double wide = Math.max(0.75, Math.min(1.3, slot / 29.5)) * (0.9 + random.nextDouble() * 0.2);
        double angle = Math.toRadians(random.nextInt(31) - 15);
        double cx = left + slot / 2 + random.nextInt(5) - 2;
        double cy = HEIGHT / 2.0 + random.nextInt(7) - 3;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        Path2D path = new Path2D.Double();
        for (double[] line : StrokeGlyphs.of(c)) {
            double[] v = line.clone();
            for (int p = 0; p < v.length; p++) {
                v[p] += (random.nextDouble() - 0.5) * 0.35;
            }
            int vertices = v.length / 2;
            for (int k = 0; k < vertices; k++) {
                // Short steps between vertices, so that the wave bends the strokes, not only their ends.
                int steps = k == vertices - 1 ? 1 : 6;
                for (int s = 0; s < steps; s++) {
                    double t = (double) s / steps;
                    double gx = (v[2 * k] + (k == vertices - 1 ? 0 : (v[2 * k + 2] - v[2 * k]) * t) - 2) * scale * wide;
                    double gy = (v[2 * k + 1] + (k == vertices - 1 ? 0 : (v[2 * k + 3] - v[2 * k + 1]) * t) - 3) * scale;
                    double px = cx + gx * cos - gy * sin;
                    double py = cy + gx * sin + gy * cos;
                    if (k == 0 && s == 0) {
                        path.moveTo(wave.x(px, py), wave.y(px, py));
                    } else {
                        path.lineTo(wave.x(px, py), wave.y(px, py));
                    }
                }
            }
        }
        return path;
    }

    /** A stroke across the whole text, wandering through its middle band. */
    private static Path2D crossing(Random random, Wave wave) {
        Path2D path = new Path2D.Double();
        double amplitude = 3 + random.nextDouble() * 5;
        double period = 40 + random.nextDouble() * 60;
        double phase = random.nextDouble() * Math.PI * 2;
        double middle = HEIGHT / 2.0 + random.nextInt(17) - 8;
        for (int x = 4; x <= WIDTH - 4; x += 3) {
            double y = middle + amplitude * Math.sin(x / period * Math.PI * 2 + phase);
            if (x == 4) {
                path.moveTo(wave.x(x, y), wave.y(x, y));
            } else {
                path.lineTo(wave.x(x, y), wave.y(x, y));
            }
        }
        return path;
    }

    /** A random smooth displacement of the whole picture. */
    private static final class Wave {
        private final double ax;
        private final double ay;
        private final double px;
        private final double py;
        private final double fx;
        private final double fy;

        Wave(Random random) {
            ax = 1 + random.nextDouble() * 1.5;
            ay = 2 + random.nextDouble() * 2;
            px = random.nextDouble() * Math.PI * 2;
            py = random.nextDouble() * Math.PI * 2;
            fx = 2 * Math.PI / (25 + random.nextDouble() * 20);
            fy = 2 * Math.PI / (50 + random.nextDouble() * 40);
        }

        double x(double x, double y) {
            return x + ax * Math.sin(y * fx + px);
        }

        double y(double x, double y) {
            return y + ay * Math.sin(x * fy + py);
        }
    }
}
