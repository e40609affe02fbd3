package dev.orchard.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.registry.ModelManifest.Metrics;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The report's Markdown (its confusion matrix as a table, for where no picture is shown: the
 * model-report workflow's pull-request comment) and the confusion-matrix picture, with fonts and on a
 * machine without any (the stand-in base image without fontconfig failed the sample-model bootstrap
 * with "Fontconfig head is null" before the text was made optional).
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelReportTests {

    static final List<String> LABELS = List.of("cat", "dog", "a-very-long-label-name");
    static final int[][] CONFUSION = {{8, 2, 0}, {1, 5, 0}, {0, 0, 4}};

    @Test
    void theMarkdownReportHasTheConfusionMatrixAsATableWithTheDiagonalInBold() {
        // given
        List<String> labels = List.of("cat", "dog", "pipe|label");

        // when
        String md = markdown(labels, CONFUSION);

        // then
        assertThat(md)
                .contains("""
                        | actual \\ predicted | cat | dog | pipe\\|label |
                        |---|---:|---:|---:|
                        | cat | **8** | 2 | 0 |
                        | dog | 1 | **5** | 0 |
                        | pipe\\|label | 0 | 0 | **4** |
                        """)
                .contains("| pipe\\|label | 1.000 | 1.000 | 1.000 | 4 |")
                .contains("![confusion matrix](confusion.png)");
    }

    @Test
    void tooManyLabelsForATableLeaveThePictureAndSaySo() {
        // given
        int k = ModelReport.MAX_TABLE_LABELS + 1;
        List<String> labels = IntStream.range(0, k).mapToObj(i -> "class-" + i).toList();
        int[][] diagonal = new int[k][k];
        IntStream.range(0, k).forEach(i -> diagonal[i][i] = 1);

        // when
        String md = markdown(labels, diagonal);

        // then
        assertThat(md)
                .contains(k + " labels, too many for a table: confusion.png has them")
                .doesNotContain("| actual \\ predicted |")
                .contains("![confusion matrix](confusion.png)");
    }

    /** The report of a holdout whose confusion matrix is {@code confusion}. */
    private static String markdown(List<String> labels, int[][] confusion) {
        IntStream.Builder actual = IntStream.builder();
        IntStream.Builder predicted = IntStream.builder();
        for (int a = 0; a < confusion.length; a++) {
            for (int p = 0; p < confusion.length; p++) {
                for (int n = 0; n < confusion[a][p]; n++) {
                    actual.add(a);
                    predicted.add(p);
                }
            }
        }
        Metrics metrics = Evaluation.of(
                labels, actual.build().toArray(), predicted.build().toArray());
        return ModelReport.markdown("pets", "tribuo-cart", "gs://data/training/", 100, 0, labels, metrics);
    }

    @Test
    void drawsCellsShadedByCountWithLabelsAndCounts() throws IOException {
        // when
        BufferedImage png = decode(ModelReport.confusionPng(LABELS, CONFUSION));

        // then
        assertCellsShaded(png);
        assertThat(inkInLabelMargin(png)).as("row labels drawn").isPositive();
    }

    @Test
    void aMachineWithoutFontsGetsThePictureWithoutTextAndAWarning(CapturedOutput output) throws IOException {
        // how AWT fails where fontconfig finds no font
        assertDrawnWithoutTextAndWarned(
                (g, text, x, y) -> {
                    throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
                },
                "Fontconfig head is null",
                output);
    }

    @Test
    void aMissingFontLibraryIsAWarningToo(CapturedOutput output) throws IOException {
        assertDrawnWithoutTextAndWarned(
                (g, text, x, y) -> {
                    throw new UnsatisfiedLinkError(
                            "libfontmanager.so: libfreetype.so.6: cannot open shared object file");
                },
                "libfreetype.so.6",
                output);
    }

    /** Every string {@code failing} is asked to draw fails: the cells remain, the text does not, a warning says why. */
    private static void assertDrawnWithoutTextAndWarned(
            ModelReport.TextPainter failing, String cause, CapturedOutput output) throws IOException {
        BufferedImage png = decode(ModelReport.confusionPng(LABELS, CONFUSION, failing));

        assertCellsShaded(png);
        assertThat(inkInLabelMargin(png)).as("no text").isZero();
        assertThat(output).contains("confusion.png is drawn without labels and counts", cause);
    }

    private static void assertCellsShaded(BufferedImage png) {
        int size = ModelReport.MARGIN + LABELS.size() * ModelReport.CELL + 10;
        assertThat(png.getWidth()).isEqualTo(size);
        assertThat(png.getHeight()).isEqualTo(size);
        for (int a = 0; a < LABELS.size(); a++) {
            for (int p = 0; p < LABELS.size(); p++) {
                // the cell's top-right corner: no count is drawn there
                int x = ModelReport.MARGIN + p * ModelReport.CELL + ModelReport.CELL - 4;
                int y = ModelReport.MARGIN + a * ModelReport.CELL + 2;
                Color expected = ModelReport.cellColor(CONFUSION[a][p] / 8f);
                assertThat(png.getRGB(x, y) & 0xFFFFFF).as("cell %d,%d", a, p).isEqualTo(expected.getRGB() & 0xFFFFFF);
            }
        }
    }

    /** Non-white pixels left of the grid, where the row labels go. */
    private static int inkInLabelMargin(BufferedImage png) {
        int ink = 0;
        for (int y = ModelReport.MARGIN; y < png.getHeight(); y++) {
            for (int x = 0; x < ModelReport.MARGIN; x++) {
                if ((png.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    ink++;
                }
            }
        }
        return ink;
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
