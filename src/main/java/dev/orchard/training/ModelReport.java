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

/** Renders {@code report.md} and {@code confusion.png} for a version directory. */
final class ModelReport {

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
                    e.getKey(),
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.support()));
        }
        md.append("\n![confusion matrix](confusion.png)\n\nRows: actual label; columns: predicted label.\n");
        return md.toString();
    }

    /** A heat-map of {@code confusion[actual][predicted]} with counts and labels. */
    static byte[] confusionPng(List<String> labels, int[][] confusion) {
        int k = labels.size();
        int cell = 44;
        int margin = 110;
        int size = margin + k * cell + 10;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int max = 1;
            for (int[] row : confusion) {
                for (int v : row) {
                    max = Math.max(max, v);
                }
            }
            for (int a = 0; a < k; a++) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(truncate(labels.get(a)), 4, margin + a * cell + cell / 2 + 4);
                g.rotate(-Math.PI / 2);
                g.drawString(truncate(labels.get(a)), -margin + 4, margin + a * cell + cell / 2 + 4);
                g.rotate(Math.PI / 2);
                for (int p = 0; p < k; p++) {
                    float intensity = (float) confusion[a][p] / max;
                    g.setColor(new Color(1f - 0.8f * intensity, 1f - 0.5f * intensity, 1f));
                    g.fillRect(margin + p * cell, margin + a * cell, cell - 1, cell - 1);
                    g.setColor(intensity > 0.6f ? Color.WHITE : Color.BLACK);
                    g.drawString(
                            Integer.toString(confusion[a][p]), margin + p * cell + 6, margin + a * cell + cell / 2 + 4);
                }
            }
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

    private static String truncate(String label) {
        return label.length() > 16 ? label.substring(0, 15) + "…" : label;
    }
}
