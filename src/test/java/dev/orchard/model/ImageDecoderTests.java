package dev.orchard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.orchard.model.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ImageDecoderTests {

    static final ModelInput GRAY_28 = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
    static final ModelInput RGB_8 = new ModelInput(8, 8, 3, ModelInput.Scaling.SYMMETRIC);

    static final java.time.Duration SHORT = java.time.Duration.ofMillis(100);

    ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofKilobytes(512), 4_000_000));

    @Test
    void decodesPngJpegAndWebpIntoTheDeclaredTensor() {
        for (String format : new String[] {"png", "jpg"}) {
            float[] tensor = decoder.decode(TestImages.encoded(format, 64, 48, BufferedImage.TYPE_INT_RGB), GRAY_28);
            assertThat(tensor).as(format).hasSize(28 * 28);
            assertThat(tensor[0]).as(format).isCloseTo(0f, within(0.05f)); // black corner
            assertThat(tensor[14 * 28 + 14 - 28 * 4]).as(format).isGreaterThan(0.8f); // inside the white bar
        }
    }

    @Test
    void decodesWebpAndCmykJpeg() throws Exception {
        for (String fixture : new String[] {"gradient.webp", "gradient-lossless.webp", "cmyk.jpg"}) {
            byte[] bytes = getClass().getResourceAsStream("/images/" + fixture).readAllBytes();
            float[] tensor = decoder.decode(bytes, new ModelInput(64, 96, 3, ModelInput.Scaling.UNIT));
            // top-left is red, the white bar is white, bottom-right is blue
            assertThat(tensor[0]).as(fixture + " red").isGreaterThan(0.7f);
            assertThat(tensor[2]).as(fixture + " blue at red corner").isLessThan(0.3f);
            int bar = (20 * 96 + 48) * 3;
            assertThat(tensor[bar + 1]).as(fixture + " white bar").isGreaterThan(0.8f);
            int last = tensor.length - 3;
            assertThat(tensor[last + 2]).as(fixture + " blue").isGreaterThan(0.7f);
        }
    }

    @Test
    void handlesGrayscaleAndAlphaAndScalesPerManifest() {
        float[] gray = decoder.decode(TestImages.encoded("png", 16, 16, BufferedImage.TYPE_BYTE_GRAY), RGB_8);
        assertThat(gray).hasSize(8 * 8 * 3);
        assertThat(gray[0]).isCloseTo(-1f, within(0.01f)); // symmetric scaling of black
        float[] rgba = decoder.decode(TestImages.encoded("png", 16, 16, BufferedImage.TYPE_INT_ARGB), RGB_8);
        assertThat(rgba).hasSize(8 * 8 * 3);
        for (float v : rgba) {
            assertThat(v).isBetween(-1f, 1f);
        }
    }

    @Test
    void pixelsScaleToExactlyTheFloatsOfEveryScaling() {
        byte[] png = TestImages.encoded("png", 40, 30, BufferedImage.TYPE_INT_RGB);
        byte[] pixels = decoder.decodePixels(png, RGB_8);
        assertThat(pixels).hasSize(8 * 8 * 3);
        for (ModelInput.Scaling scaling : ModelInput.Scaling.values()) {
            ModelInput input = new ModelInput(8, 8, 3, scaling);
            float[] floats = input.toFloats(pixels);
            for (int i = 0; i < pixels.length; i++) {
                assertThat(floats[i]).as(scaling + " at " + i).isEqualTo(scaling.apply(pixels[i] & 0xFF));
            }
            assertThat(decoder.decode(png, input)).isEqualTo(floats);
        }
    }

    @Test
    void samplesAbove127AreUnsignedAndTheLengthIsChecked() {
        ModelInput raw = new ModelInput(1, 2, 1, ModelInput.Scaling.RAW);
        assertThat(raw.toFloats(new byte[] {(byte) 255, (byte) 128})).containsExactly(255f, 128f);
        assertThat(new ModelInput(1, 1, 1, ModelInput.Scaling.UNIT).toFloats(new byte[] {(byte) 255}))
                .containsExactly(1f);
        assertThat(new ModelInput(1, 1, 1, ModelInput.Scaling.SYMMETRIC).toFloats(new byte[] {(byte) 255}))
                .containsExactly(1f);
        assertThatThrownBy(() -> raw.toFloats(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2 samples, got 3");
    }

    @Test
    void grayPixelsKeepTheirValues() {
        // a sample Fashion-MNIST image decoded at its own size gives back its own bytes / 255
        byte[] png = TestImages.encoded("png", 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        float[] tensor = decoder.decode(png, GRAY_28);
        assertThat(tensor[0]).isEqualTo(0f);
        assertThat(tensor[8 * 28 + 8]).isEqualTo(1f);
    }

    @Test
    void refusesTooManyBytesBeforeLookingAtThem() {
        byte[] big = new byte[(int) DataSize.ofKilobytes(513).toBytes()];
        assertThatThrownBy(() -> decoder.decode(big, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void refusesADecompressionBombFromItsHeaderAlone() {
        // given: 50000 x 50000 RGB would need 7.5 GB
        byte[] bomb = TestImages.pngHeaderClaiming(50_000, 50_000);
        long heapBefore = usedHeap();

        // when / then
        assertThatThrownBy(() -> decoder.decode(bomb, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
                    assertThat(e.getMessage()).contains("50000x50000");
                });
        assertThat(usedHeap() - heapBefore).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void refusesThingsThatAreNotImages() {
        assertThatThrownBy(() -> decoder.decode("hello, world".getBytes(), GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_AN_IMAGE));
        assertThatThrownBy(() -> decoder.decode(new byte[0], GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_AN_IMAGE));
    }

    @Test
    void refusesTruncatedImagesAsCorrupt() {
        byte[] png = TestImages.encoded("png", 64, 64, BufferedImage.TYPE_INT_RGB);
        byte[] truncated = Arrays.copyOf(png, 60);
        assertThatThrownBy(() -> decoder.decode(truncated, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.CORRUPT));
        byte[] jpeg = TestImages.encoded("jpg", 64, 64, BufferedImage.TYPE_INT_RGB);
        byte[] garbage = Arrays.copyOf(jpeg, jpeg.length);
        Arrays.fill(garbage, 20, garbage.length, (byte) 0x55);
        assertThatThrownBy(() -> decoder.decode(garbage, GRAY_28)).isInstanceOf(ImageRejectedException.class);
    }

    @Test
    void honoursExifOrientation() {
        // given: 60 x 20 pixels stored, orientation 6 = rotate 90° clockwise to display
        byte[] jpeg = TestImages.jpegWithOrientation(60, 20, 6);

        // when
        BufferedImage stored = decoder.read(jpeg, new ModelInput(20, 60, 3, null));
        BufferedImage upright = ImageDecoder.orient(stored, ExifOrientation.of(jpeg));

        // then
        assertThat(ExifOrientation.of(jpeg)).isEqualTo(6);
        assertThat(upright.getWidth()).isEqualTo(20);
        assertThat(upright.getHeight()).isEqualTo(60);
        assertThat(ExifOrientation.of(TestImages.encoded("jpg", 8, 8, BufferedImage.TYPE_INT_RGB)))
                .isEqualTo(1);
    }

    @Test
    void subsamplesLargeImagesTowardTheModelSize() {
        byte[] large = TestImages.encoded("png", 1200, 900, BufferedImage.TYPE_INT_RGB);
        BufferedImage decoded = decoder.read(large, GRAY_28);
        assertThat(decoded.getWidth()).isLessThan(200).isGreaterThanOrEqualTo(56);
    }

    @Test
    void decodesAThinSixteenBitImageSubsampledAlongEachAxis() {
        // given: 200,000 x 1 16-bit RGBA, 1.6 MB a row decoded
        byte[] thin = TestImages.png16BitRgba(200_000, 1, 0);

        // when
        BufferedImage decoded = decoder.read(thin, GRAY_28);

        // then: columns subsampled toward the model's width although there is only one row
        assertThat(decoded.getWidth()).isBetween(56, 60);
        assertThat(decoded.getHeight()).isEqualTo(1);
        assertThat(decoder.decode(thin, GRAY_28)).hasSize(28 * 28);
        assertThat(decoder.budget().reserved()).isZero();
    }

    @Test
    void refusesAThinSixteenBitImageWhoseDecodeCouldNeverFitTheBudget() {
        // given: 10,000,000 x 1 16-bit RGBA: within the pixel limit, 80 MB a row for the PNG decoder
        ImageDecoder bounded = new ImageDecoder(
                ImageLimits.of(DataSize.ofMegabytes(2), 50_000_000), new DecodeBudget(64L << 20, SHORT));
        byte[] thin = TestImages.png16BitRgba(10_000_000, 1, 0);
        long heapBefore = usedHeap();

        // when / then
        assertThatThrownBy(() -> bounded.decode(thin, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
                    assertThat(e.getMessage())
                            .contains("10000000x1 PNG (8 bytes per decoded pixel)")
                            .contains("decode budget");
                });
        assertThat(usedHeap() - heapBefore).isLessThan(32L * 1024 * 1024);
        assertThat(bounded.budget().reserved()).isZero();
    }

    @Test
    void aDecodeThatDoesNotFitNowWaitsThenIsBusyAndSucceedsOnceTheBudgetIsFree() {
        // given: a budget almost entirely held by another decode
        DecodeBudget budget = new DecodeBudget(8L << 20, SHORT);
        ImageDecoder bounded = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 4_000_000), budget);
        byte[] png = TestImages.encoded("png", 64, 48, BufferedImage.TYPE_INT_RGB);
        DecodeBudget.Reservation other = budget.reserve((8L << 20) - 1024, "another image");

        // when / then
        assertThatThrownBy(() -> bounded.decode(png, GRAY_28))
                .isInstanceOf(DecodeBusyException.class)
                .hasMessageContaining("retry shortly");
        other.close();
        assertThat(bounded.decode(png, GRAY_28)).hasSize(28 * 28);
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void decodesOnlyJpegPngAndWebp() {
        for (String format : new String[] {"gif", "bmp", "tiff"}) {
            byte[] image = TestImages.encoded(format, 16, 16, BufferedImage.TYPE_INT_RGB);
            assertThatThrownBy(() -> decoder.decode(image, GRAY_28))
                    .as(format)
                    .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED);
                        assertThat(e.getMessage()).contains("send JPEG, PNG or WebP");
                    });
        }
        byte[] wbmp = TestImages.encoded("wbmp", 16, 16, BufferedImage.TYPE_BYTE_BINARY);
        assertThatThrownBy(() -> decoder.decode(wbmp, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_AN_IMAGE));
    }

    @Test
    void decodesProgressiveJpegsAndRefusesAbsurdScanCounts() {
        byte[] progressive = TestImages.progressiveJpeg(64, 48);
        assertThat(JpegStructure.of(progressive).progressive()).isTrue();
        assertThat(JpegStructure.of(progressive).scans()).isBetween(2, 20);
        assertThat(JpegStructure.of(TestImages.encoded("jpg", 8, 8, BufferedImage.TYPE_INT_RGB)))
                .isEqualTo(new JpegStructure(false, 3, 1));
        assertThat(decoder.decode(progressive, GRAY_28)).hasSize(28 * 28);

        byte[] manyScans = TestImages.withExtraScans(progressive, 5_000);
        assertThatThrownBy(() -> decoder.decode(manyScans, GRAY_28))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("scans; the limit is 100");
                });
    }

    @Test
    void imageDataBeyondWhatTheHeaderDeclaresIsNeverInflated() {
        // given: a 64 x 64 PNG whose image data inflates to 64 MB more than its rows need
        byte[] bomb = TestImages.png16BitRgba(64, 64, 64 << 20);
        assertThat(bomb.length).isLessThan(256 * 1024);

        // when / then: decoded from its rows alone
        assertThat(decoder.decode(bomb, GRAY_28)).hasSize(28 * 28);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
