package dev.orchard.training;

import dev.orchard.registry.ModelManifest.ClassMetrics;
import dev.orchard.registry.ModelManifest.Metrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders {@code report.md} and {@code confusion.png} for a version directory. */
final class ModelReport {

    static final int CELL = 44;
    static final int MARGIN = 110;

    /** Most labels for which the confusion matrix is also a Markdown table (wider ones no reader scrolls through). */
    static final int MAX_TABLE_LABELS = 20;

    private static final Logger log = LoggerFactory.getLogger(ModelReport.class);

    private ModelReport() {}

    static String markdown(
            String name, String trainer, String dataset, int trainSize, int skipped, List<String> labels, Metrics m) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(name).append(" — training report\n\n");
        md.append("- trainer: `").append(trainer).append("`\n");
        md.append("- dataset: `")
                .append(dataset)
                .append("` (")
                .append(trainSize)
                .append(" training images, ")
                .append(m.holdoutSize())
                .append(" holdout, ")
                .append(skipped)
                .append(" unreadable skipped)\n");
        md.append(
                String.format(Locale.ROOT, "- accuracy: **%.4f**, macro-F1: **%.4f**%n%n", m.accuracy(), m.macroF1()));
        md.append("| label | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, ClassMetrics> e : m.perClass().entrySet()) {
            ClassMetrics c = e.getValue();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.3f | %.3f | %.3f | %d |%n",
                    cell(e.getKey()),
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.support()));
        }
        md.append("\n## Confusion matrix\n\n");
        confusionTable(md, labels, m.confusion());
        md.append("\n![confusion matrix](confusion.png)\n");
        return md.toString();
    }

    /**
     * The confusion matrix as text, so the report says it where no picture is shown (a pull-request
     * comment, a terminal): rows actual, columns predicted, the diagonal in bold.
     */
    private static void confusionTable(StringBuilder md, List<String> labels, int[][] confusion) {
        if (labels.size() > MAX_TABLE_LABELS) {
            md.append(labels.size())
                    .append(" labels, too many for a table: confusion.png has them. Rows: actual label;"
                            + " columns: predicted label.\n");
            return;
        }
        md.append(
                "Rows: actual label; columns: predicted label; the diagonal (bold) counts the correct predictions.\n\n");
        md.append("| actual \\ predicted |");
        labels.forEach(label -> md.append(' ').append(cell(label)).append(" |"));
        md.append("\n|---|").append("---:|".repeat(labels.size())).append('\n');
        for (int a = 0; a < labels.size(); a++) {
            md.append("| ").append(cell(labels.get(a))).append(" |");
            for (int p = 0; p < labels.size(); p++) {
                String count = Integer.toString(confusion[a][p]);
                md.append(' ').append(a == p ? "**" + count + "**" : count).append(" |");
            }
            md.append('\n');
        }
    }

    /** A label inside a Markdown table cell: a {@code |} would end the cell. */
    private static String cell(String label) {
        return label.replace("|", "\\|");
    }

    /**
     * A heat-map of {@code confusion[actual][predicted]} with counts and labels. The labels and
     * counts need a font: where the JVM finds none (a base image without fontconfig, for one), the
     * picture keeps its cells, loses its text, and a warning says why — a missing font never fails
     * the training run that asked for the report.
     */
    static byte[] confusionPng(List<String> labels, int[][] confusion) {
        return confusionPng(labels, confusion, Graphics2D::drawString);
    }

    /** Draws one string; the seam through which a machine without fonts is tested. */
    @FunctionalInterface
    interface TextPainter {
        void draw(Graphics2D g, String text, int x, int y);
    }

    static byte[] confusionPng(List<String> labels, int[][] confusion, TextPainter text) {
        int k = labels.size();
        int size = MARGIN + k * CELL + 10;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            int max = 1;
            for (int[] row : confusion) {
                for (int v : row) {
                    max = Math.max(max, v);
                }
            }
            for (int a = 0; a < k; a++) {
                for (int p = 0; p < k; p++) {
                    g.setColor(cellColor((float) confusion[a][p] / max));
                    g.fillRect(MARGIN + p * CELL, MARGIN + a * CELL, CELL - 1, CELL - 1);
                }
            }
            drawText(g, labels, confusion, max, text);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /** The colour of a cell whose count is {@code intensity} of the largest count. */
    static Color cellColor(float intensity) {
        return new Color(1f - 0.8f * intensity, 1f - 0.5f * intensity, 1f);
    }

    private static void drawText(Graphics2D image, List<String> labels, int[][] confusion, int max, TextPainter text) {
        Graphics2D g = (Graphics2D) image.create();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int a = 0; a < labels.size(); a++) {
                g.setColor(Color.DARK_GRAY);
                text.draw(g, truncate(labels.get(a)), 4, MARGIN + a * CELL + CELL / 2 + 4);
                Graphics2D column = (Graphics2D) g.create();
                try {
                    column.rotate(-Math.PI / 2);
                    text.draw(column, truncate(labels.get(a)), -MARGIN + 4, MARGIN + a * CELL + CELL / 2 + 4);
                } finally {
                    column.dispose();
                }
                for (int p = 0; p < labels.size(); p++) {
                    g.setColor((float) confusion[a][p] / max > 0.6f ? Color.WHITE : Color.BLACK);
                    text.draw(
                            g,
                            Integer.toString(confusion[a][p]),
                            MARGIN + p * CELL + 6,
                            MARGIN + a * CELL + CELL / 2 + 4);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // AWT reports a machine without usable fonts this way ("Fontconfig head is null",
            // UnsatisfiedLinkError for libfreetype, "Could not initialize class ...FontManager").
            log.warn(
                    "confusion.png is drawn without labels and counts: this JVM has no usable font ({}); "
                            + "install fontconfig and a font (the eclipse-temurin images have them)",
                    e.toString());
        } finally {
            g.dispose();
        }
    }

    private static String truncate(String label) {
        return label.length() > 16 ? label.substring(0, 15) + "…" : label;
    }
}
