package dev.orchard.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Real encoded images, and hostile ones, made in memory for tests. */
public final class TestImages {

    private TestImages() {}

    /** A {@code width × height} image with a white rectangle on black, encoded as {@code format}. */
    public static byte[] encoded(String format, int width, int height, int type) {
        BufferedImage image = picture(width, height, type);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BufferedImage picture(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(width / 4, height / 4, width / 2, height / 4);
        g.dispose();
        return image;
    }

    /**
     * A valid PNG whose header claims {@code width × height} RGB pixels but whose data is tiny: a
     * decompression bomb in miniature. Decoding it would allocate {@code width × height × 3} bytes.
     */
    public static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer out = ByteBuffer.allocate(8 + 25 + 12 + 12 + 12);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[0]);
        chunk(out, "IEND", new byte[0]);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /**
     * A valid, fully decodable PNG of {@code width × height} black pixels at 16 bits per sample
     * with alpha (8 bytes a pixel), its rows compressed with {@code extraZeros} more zero bytes
     * after them in the image data than the image needs. A thin one (millions × 1) is a few hundred
     * KB whose rows each take megabytes to decode.
     */
    public static byte[] png16BitRgba(int width, int height, int extraZeros) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            byte[] row = new byte[1 + width * 8]; // filter byte 0, then zeros
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
            byte[] zeros = new byte[1 << 16];
            for (long left = extraZeros; left > 0; left -= zeros.length) {
                z.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        byte[] data = idat.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(8 + 25 + 12 + data.length + 12);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 16)
                .put((byte) 6)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", data);
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    /** A progressive JPEG (the JDK writer's default scan script). */
    public static byte[] progressiveJpeg(int width, int height) {
        BufferedImage image = picture(width, height, BufferedImage.TYPE_INT_RGB);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * {@code jpeg} with {@code scans} more (tiny, empty) scans before its end: a few bytes each,
     * another pass over the whole image each for a decoder that accepts them.
     */
    public static byte[] withExtraScans(byte[] jpeg, int scans) {
        byte[] scan = {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0};
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + scans * scan.length);
        out.put(jpeg, 0, jpeg.length - 2);
        for (int i = 0; i < scans; i++) {
            out.put(scan);
        }
        out.put(jpeg, jpeg.length - 2, 2); // EOI
        return out.array();
    }

    /** A JPEG with an EXIF APP1 segment carrying {@code orientation}. */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        return withOrientation(encoded("jpg", width, height, BufferedImage.TYPE_INT_RGB), orientation);
    }

    /** {@code jpeg} with an EXIF APP1 segment carrying {@code orientation} right after its SOI. */
    public static byte[] withOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42})
                .putInt(8)
                .putShort((short) 1)
                .putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0)
                .putInt(0);
        byte[] exifHeader = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + exifHeader.length + tiff.capacity();
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length);
        out.put(jpeg, 0, 2); // SOI
        out.put((byte) 0xFF)
                .put((byte) 0xE1)
                .putShort((short) length)
                .put(exifHeader)
                .put(tiff.array());
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        out.putInt(data.length);
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.putInt((int) crc.getValue());
    }

    /** {@code png} with every sample value v replaced by 255 − v (a photographic negative). */
    public static byte[] inverted(byte[] png) {
        try {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            java.awt.image.WritableRaster raster = image.getRaster();
            int[] samples = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
            for (int i = 0; i < samples.length; i++) {
                samples[i] = 255 - samples[i];
            }
            raster.setPixels(0, 0, raster.getWidth(), raster.getHeight(), samples);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
