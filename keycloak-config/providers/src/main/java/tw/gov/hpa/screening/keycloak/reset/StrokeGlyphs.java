package tw.gov.hpa.screening.keycloak.reset;

import java.util.Map;

/**
 * The captcha's characters drawn as strokes on a 4 x 6 grid (x right, y down).
 *
 * <p>Why not a font: java.awt text rendering needs fontconfig and installed fonts, which slim
 * server images (Keycloak's own container among them) do not have; lines need nothing. The
 * alphabet leaves out look-alikes (0/O/D-ish Q, 1/I/L, 2/Z, 5/S, 8/B, G/6) so a person is not
 * refused for reading the image right.
 */
final class StrokeGlyphs {

    static final String ALPHABET = "ACDEFHJKMNPRTUVWXY34679";

    /** Each glyph: polylines, each a flat list of x,y pairs. */
    private static final Map<Character, double[][]> GLYPHS = Map.ofEntries(
            Map.entry('A', new double[][] {{0, 6, 2, 0, 4, 6}, {1, 3.5, 3, 3.5}}),
            Map.entry('C', new double[][] {{4, 1, 3, 0, 1, 0, 0, 1, 0, 5, 1, 6, 3, 6, 4, 5}}),
            Map.entry('D', new double[][] {{0, 0, 0, 6, 2.5, 6, 4, 4.5, 4, 1.5, 2.5, 0, 0, 0}}),
            Map.entry('E', new double[][] {{4, 0, 0, 0, 0, 6, 4, 6}, {0, 3, 3, 3}}),
            Map.entry('F', new double[][] {{4, 0, 0, 0, 0, 6}, {0, 3, 3, 3}}),
            Map.entry('H', new double[][] {{0, 0, 0, 6}, {4, 0, 4, 6}, {0, 3, 4, 3}}),
            Map.entry('J', new double[][] {{4, 0, 4, 5, 3, 6, 1, 6, 0, 5}}),
            Map.entry('K', new double[][] {{0, 0, 0, 6}, {4, 0, 0, 3.5}, {1.2, 2.8, 4, 6}}),
            Map.entry('M', new double[][] {{0, 6, 0, 0, 2, 3, 4, 0, 4, 6}}),
            Map.entry('N', new double[][] {{0, 6, 0, 0, 4, 6, 4, 0}}),
            Map.entry('P', new double[][] {{0, 6, 0, 0, 3, 0, 4, 1, 4, 2, 3, 3, 0, 3}}),
            Map.entry('R', new double[][] {{0, 6, 0, 0, 3, 0, 4, 1, 4, 2, 3, 3, 0, 3}, {2, 3, 4, 6}}),
            Map.entry('T', new double[][] {{0, 0, 4, 0}, {2, 0, 2, 6}}),
            Map.entry('U', new double[][] {{0, 0, 0, 5, 1, 6, 3, 6, 4, 5, 4, 0}}),
            Map.entry('V', new double[][] {{0, 0, 2, 6, 4, 0}}),
            Map.entry('W', new double[][] {{0, 0, 1, 6, 2, 2, 3, 6, 4, 0}}),
            Map.entry('X', new double[][] {{0, 0, 4, 6}, {4, 0, 0, 6}}),
            Map.entry('Y', new double[][] {{0, 0, 2, 3, 4, 0}, {2, 3, 2, 6}}),
            Map.entry('3', new double[][] {{0, 0, 4, 0, 2, 2.5, 3, 2.5, 4, 3.5, 4, 5, 3, 6, 1, 6, 0, 5}}),
            Map.entry('4', new double[][] {{3, 6, 3, 0, 0, 4, 4, 4}}),
            Map.entry('6', new double[][] {{3.5, 0, 1, 0, 0, 1.5, 0, 5, 1, 6, 3, 6, 4, 5, 4, 4, 3, 3, 0, 3}}),
            Map.entry('7', new double[][] {{0, 0, 4, 0, 1.5, 6}}),
            Map.entry('9', new double[][] {{4, 3, 1, 3, 0, 2, 0, 1, 1, 0, 3, 0, 4, 1, 4, 4.5, 2.5, 6, 0.5, 6}}));

    private StrokeGlyphs() {
    }

    static double[][] of(char c) {
        double[][] glyph = GLYPHS.get(c);
        if (glyph == null) {
            throw new IllegalArgumentException("no glyph for " + c);
        }
        return glyph;
    }
}
