package dev.orchard.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the EXIF orientation (tag 0x0112) of a JPEG without decoding it. Phone cameras store
 * portrait photos as landscape pixels plus this tag; ignoring it feeds the model a sideways image.
 */
final class ExifOrientation {

    private ExifOrientation() {}

    /** 1..8 as defined by EXIF, or 1 (upright) when absent or unreadable. */
    static int of(byte[] jpeg) {
        try {
            return read(jpeg);
        } catch (RuntimeException malformed) {
            return 1;
        }
    }

    private static int read(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            int length = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // start of scan: no EXIF before the pixels
            }
            if (marker == 0xE1 && length > 8 && isExif(b, pos + 4)) {
                return orientationInTiff(
                        ByteBuffer.wrap(b, pos + 10, length - 8).slice());
            }
            pos += 2 + length;
        }
        return 1;
    }

    private static boolean isExif(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0;
    }

    private static int orientationInTiff(ByteBuffer tiff) {
        tiff.order(tiff.getShort(0) == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if ((tiff.getShort(entry) & 0xFFFF) == 0x0112) {
                int value = tiff.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
}
