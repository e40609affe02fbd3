package dev.orchard.model;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.util.Locale;
import javax.imageio.ImageTypeSpecifier;

/**
 * How one image will be decoded and what that costs, decided from its header before any pixel is
 * allocated. Subsampling is chosen per axis, so a 50,000,000 × 1 image is read as a few thousand
 * pixels, not at full width; the reserved bytes count everything the decode will hold at once:
 * the decoded raster at its real sample size (16-bit samples and alpha included), the decoder's own
 * buffers (a PNG decoder's full-width rows, a progressive JPEG's coefficients of the whole image,
 * a WebP decoder's full ARGB frame), a copy for orientation or colour conversion, and the
 * model-sized result.
 *
 * @param stepX source columns per decoded column
 * @param stepY source rows per decoded row
 */
record DecodePlan(String description, long width, long height, int stepX, int stepY, long reservedBytes) {

    private static final long OVERHEAD = 64 * 1024;

    /** Columns of the decoded raster. */
    long decodedWidth() {
        return (width + stepX - 1) / stepX;
    }

    /** Rows of the decoded raster. */
    long decodedHeight() {
        return (height + stepY - 1) / stepY;
    }

    /**
     * Plans the decode of {@code source} into a raster of {@code type} for {@code input} (after
     * orientation: a {@code rotated} image's columns become the model's rows).
     */
    static DecodePlan of(Source source, ImageTypeSpecifier type, boolean rotated, ModelInput input) {
        long width = source.width();
        long height = source.height();
        int columnsFor = rotated ? input.height() : input.width();
        int rowsFor = rotated ? input.width() : input.height();
        int stepX = (int) Math.min(Integer.MAX_VALUE, Math.max(1, width / (2L * columnsFor)));
        int stepY = (int) Math.min(Integer.MAX_VALUE, Math.max(1, height / (2L * rowsFor)));
        long decodedPixels = ((width + stepX - 1) / stepX) * ((height + stepY - 1) / stepY);
        boolean custom = type.getBufferedImageType() == BufferedImage.TYPE_CUSTOM;
        long bytesPerPixel = bytesPerPixel(type);
        long bytes = OVERHEAD
                + decodedPixels * bytesPerPixel
                + source.decoderBytes()
                + (rotated ? decodedPixels * 4 : 0)
                + (custom ? decodedPixels * 4 : 0)
                + (long) input.width() * input.height() * 4
                + input.size() * 5L;
        String description = String.format(
                Locale.ROOT, "%dx%d %s (%d bytes per decoded pixel)", width, height, source.format(), bytesPerPixel);
        return new DecodePlan(description, width, height, stepX, stepY, bytes);
    }

    private static long bytesPerPixel(ImageTypeSpecifier type) {
        SampleModel model = type.getSampleModel(1, 1);
        return Math.max(1, (long) model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getDataType()) / 8);
    }

    /**
     * What the header says, and the memory the format's decoder itself holds while it decodes
     * (beside the raster it fills).
     */
    record Source(ImageFormat format, long width, long height, long decoderBytes) {

        static Source of(ImageFormat format, long width, long height, byte[] bytes, JpegStructure jpeg) {
            long decoderBytes =
                    switch (format) {
                        // the JDK's PNG reader keeps the current and the previous full-width row and a
                        // row raster, whatever the subsampling
                        case PNG -> 3 * (pngRowBytes(bytes, width) + 16);
                        // libjpeg buffers every coefficient (one short per sample) of a progressive
                        // image; a baseline one a band of MCU rows; plus the reader's row raster
                        case JPEG ->
                            (jpeg.progressive()
                                            ? width * height * jpeg.components() * 2
                                            : width * jpeg.components() * 16)
                                    + width * jpeg.components();
                        // the WebP decoder produces the whole frame as ARGB before subsampling
                        case WEBP -> width * height * 4;
                    };
            return new Source(format, width, height, decoderBytes);
        }

        /** Bytes of one unfiltered row as the IHDR chunk declares it (16-bit RGBA: 8 per pixel). */
        private static long pngRowBytes(byte[] b, long width) {
            int bitDepth = b.length > 24 ? b[24] & 0xFF : 16;
            int samples =
                    switch (b.length > 25 ? b[25] & 0xFF : 6) {
                        case 0, 3 -> 1;
                        case 2 -> 3;
                        case 4 -> 2;
                        default -> 4;
                    };
            return (samples * (long) Math.max(bitDepth, 1) * width + 7) / 8;
        }
    }
}
