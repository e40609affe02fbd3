package dev.orchard.model;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.orchard.model.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns untrusted image bytes into the float tensor a model declares. Thread-safe.
 *
 * <p>Failure contract: every refusal is an {@link ImageRejectedException} with a {@link Reason};
 * nothing else escapes for bad input. Limits are checked in order of cost: byte size, then the
 * format from its signature (JPEG, PNG and WebP only), then a JPEG's scan count, then the pixel
 * count the header claims (no pixel memory is allocated for a header that lies). Then the decode
 * is planned ({@link DecodePlan}: subsampled per axis toward the model's input size, so a 12 MP
 * photo does not cost a 12 MP decode) and its bytes reserved from the process's {@link
 * DecodeBudget} before anything is allocated; when the budget is held by other decodes for longer
 * than {@code orchard.images.decode-wait}, {@link DecodeBusyException} says to retry. EXIF
 * orientation is honoured.
 */
public final class ImageDecoder {

    static {
        ImageIO.setUseCache(false); // decode in memory; never spill untrusted bytes to temp files
        ImageIO.scanForPlugins();
    }

    private final ImageLimits limits;
    private final DecodeBudget budget;

    public ImageDecoder(ImageLimits limits) {
        this(limits, new DecodeBudget(limits.budgetBytes(), limits.decodeWait()));
    }

    public ImageDecoder(ImageLimits limits, DecodeBudget budget) {
        this.limits = limits;
        this.budget = budget;
    }

    /** The largest encoded image accepted: read no more bytes than this for one image. */
    public long maxBytes() {
        return limits.maxBytes().toBytes();
    }

    /** The budget every decode of this decoder reserves from. */
    public DecodeBudget budget() {
        return budget;
    }

    /** Decodes {@code bytes} into {@code input.size()} floats in height × width × channels order. */
    public float[] decode(byte[] bytes, ModelInput input) {
        return decode(bytes, input, SourceObserver.NONE);
    }

    /** {@link #decode(byte[], ModelInput)}, telling {@code source} the image's size once it decoded. */
    public float[] decode(byte[] bytes, ModelInput input, SourceObserver source) {
        return input.toFloats(decodePixels(bytes, input, source));
    }

    /**
     * Decodes {@code bytes} into {@code input.size()} unscaled 8-bit samples in height × width ×
     * channels order, a quarter of the floats' size; {@link ModelInput#toFloats(byte[])} turns them
     * into exactly what {@link #decode} returns. For holding many decoded images at once.
     */
    public byte[] decodePixels(byte[] bytes, ModelInput input) {
        return decodePixels(bytes, input, SourceObserver.NONE);
    }

    /** {@link #decodePixels(byte[], ModelInput)}, telling {@code source} the image's size once it decoded. */
    public byte[] decodePixels(byte[] bytes, ModelInput input, SourceObserver source) {
        int orientation = ExifOrientation.of(bytes);
        return decode(bytes, input, orientation, source, image -> toPixels(orient(image, orientation), input));
    }

    /**
     * {@link #decodePixels} for batch work, which may wait: a decode refused only because the budget
     * is busy is tried again after {@code firstBackoff}, doubling, up to {@code attempts} tries in
     * all; still busy, the {@link DecodeBusyException} is thrown.
     */
    public byte[] decodePixelsPatiently(byte[] bytes, ModelInput input, int attempts, Duration firstBackoff)
            throws InterruptedException {
        return decodePixelsPatiently(bytes, input, attempts, firstBackoff, SourceObserver.NONE);
    }

    /** {@link #decodePixelsPatiently(byte[], ModelInput, int, Duration)}, telling {@code source} the image's size. */
    public byte[] decodePixelsPatiently(
            byte[] bytes, ModelInput input, int attempts, Duration firstBackoff, SourceObserver source)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return decodePixels(bytes, input, source);
            } catch (DecodeBusyException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Thread.sleep(firstBackoff.toMillis() << (attempt - 1));
            }
        }
    }

    /**
     * {@link #decode} for batch work that may wait (training, the gate): up to 8 tries, the first
     * retry after 250 ms, doubling (about 30 s in all).
     *
     * @throws DecodeBusyException if the budget stays busy, or the thread is interrupted (its
     *     interrupt flag set again)
     */
    public float[] decodePatiently(byte[] bytes, ModelInput input) {
        return decodePatiently(bytes, input, SourceObserver.NONE);
    }

    /** {@link #decodePatiently(byte[], ModelInput)}, telling {@code source} the image's size. */
    public float[] decodePatiently(byte[] bytes, ModelInput input, SourceObserver source) {
        try {
            return input.toFloats(decodePixelsPatiently(bytes, input, 8, Duration.ofMillis(250), source));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecodeBusyException("interrupted while waiting for decode budget");
        }
    }

    /** Checks limits and decodes as for {@code target}, without orienting or resizing. */
    BufferedImage read(byte[] bytes, ModelInput target) {
        return decode(bytes, target, 1, SourceObserver.NONE, image -> image);
    }

    private <T> T decode(
            byte[] bytes, ModelInput input, int orientation, SourceObserver source, Function<BufferedImage, T> finish) {
        if (bytes.length > limits.maxBytes().toBytes()) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "image is " + bytes.length + " bytes; the limit is "
                            + limits.maxBytes().toBytes());
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        JpegStructure jpeg = format == ImageFormat.JPEG ? JpegStructure.of(bytes) : null;
        if (jpeg != null && jpeg.scans() > limits.maxJpegScans()) {
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED,
                    "JPEG has " + jpeg.scans() + " scans; the limit is " + limits.maxJpegScans()
                            + " (orchard.images.max-jpeg-scans)");
        }
        try (ImageInputStream stream = new ByteArrayImageInputStream(bytes)) {
            ImageReader reader = reader(format);
            try {
                reader.setInput(stream, true, true);
                DecodePlan plan = plan(reader, format, bytes, jpeg, input, orientation >= 5);
                try (DecodeBudget.Reservation reserved =
                        budget.reserve(plan.reservedBytes(), "a " + plan.description())) {
                    T finished = finish.apply(decodeWithin(reader, plan));
                    if (orientation >= 5) {
                        source.observedSource(plan.height(), plan.width());
                    } else {
                        source.observedSource(plan.width(), plan.height());
                    }
                    return finished;
                }
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException | DecodeBusyException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw classify(e);
        }
    }

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new ImageRejectedException(Reason.UNSUPPORTED, "no " + format + " decoder is installed");
        }
        return readers.next();
    }

    private DecodePlan plan(
            ImageReader reader, ImageFormat format, byte[] bytes, JpegStructure jpeg, ModelInput input, boolean rotated)
            throws IOException {
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width < 1 || height < 1) {
            throw new ImageRejectedException(Reason.CORRUPT, format + " header declares an empty image");
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_PIXELS,
                    format + " header declares " + width + "x" + height + " = " + width * height
                            + " pixels; the limit is " + limits.maxPixels());
        }
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            throw new ImageRejectedException(Reason.UNSUPPORTED, format + " image has no decodable pixel type");
        }
        DecodePlan.Source source = DecodePlan.Source.of(format, width, height, bytes, jpeg);
        return DecodePlan.of(source, types.next(), rotated, input);
    }

    private static BufferedImage decodeWithin(ImageReader reader, DecodePlan plan) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        if (plan.stepX() > 1 || plan.stepY() > 1) {
            param.setSourceSubsampling(plan.stepX(), plan.stepY(), 0, 0);
        }
        BufferedImage image = reader.read(0, param);
        if (image == null) {
            throw new ImageRejectedException(Reason.CORRUPT, "image has no pixels");
        }
        if (image.getWidth() > plan.decodedWidth() || image.getHeight() > plan.decodedHeight()) {
            // a decoder that ignored the plan: refuse rather than go on with memory nobody reserved
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED,
                    "decoded " + image.getWidth() + "x" + image.getHeight() + " pixels where " + plan.decodedWidth()
                            + "x" + plan.decodedHeight() + " were planned");
        }
        return image;
    }

    private static ImageRejectedException classify(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("unsupported") || lower.contains("not supported")) {
            return new ImageRejectedException(Reason.UNSUPPORTED, "unsupported image variant: " + message, e);
        }
        return new ImageRejectedException(Reason.CORRUPT, "corrupt or truncated image: " + message, e);
    }

    /** Applies an EXIF orientation (1..8) so the image is upright. */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> t.setTransform(-1, 0, 0, 1, w, 0);
            case 3 -> t.setTransform(-1, 0, 0, -1, w, h);
            case 4 -> t.setTransform(1, 0, 0, -1, 0, h);
            case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
            case 6 -> t.setTransform(0, 1, -1, 0, h, 0);
            case 7 -> t.setTransform(0, -1, -1, 0, h, w);
            case 8 -> t.setTransform(0, -1, 1, 0, 0, w);
            default -> {}
        }
        BufferedImage upright = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = upright.createGraphics();
        try {
            g.drawImage(image, t, null);
        } finally {
            g.dispose();
        }
        return upright;
    }

    /** Resizes (stretch), flattens alpha onto white, and converts to the model's channels. */
    static byte[] toPixels(BufferedImage image, ModelInput input) {
        boolean gray = image.getColorModel().getNumComponents() == 1;
        // Gray stays in its own colour space: drawing it into RGB would apply a gamma curve.
        BufferedImage target = new BufferedImage(
                input.width(), input.height(), gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, input.width(), input.height());
            g.drawImage(image, 0, 0, input.width(), input.height(), null);
        } finally {
            g.dispose();
        }
        byte[] tensor = new byte[input.size()];
        int i = 0;
        // The targets are freshly made TYPE_BYTE_GRAY / TYPE_INT_RGB images: their banks hold exactly
        // the samples (no offset, no padding), read directly instead of per pixel through the colour model.
        if (gray) {
            byte[] samples = ((DataBufferByte) target.getRaster().getDataBuffer()).getData();
            if (input.channels() == 1) {
                return samples.clone();
            }
            for (byte v : samples) {
                for (int c = 0; c < input.channels(); c++) {
                    tensor[i++] = v;
                }
            }
            return tensor;
        }
        int[] pixels = ((DataBufferInt) target.getRaster().getDataBuffer()).getData();
        for (int pixel : pixels) {
            int r = (pixel >> 16) & 0xFF;
            int gr = (pixel >> 8) & 0xFF;
            int b = pixel & 0xFF;
            if (input.channels() == 1) {
                tensor[i++] = (byte) Math.round(0.299f * r + 0.587f * gr + 0.114f * b);
            } else {
                tensor[i++] = (byte) r;
                tensor[i++] = (byte) gr;
                tensor[i++] = (byte) b;
            }
        }
        return tensor;
    }
}
