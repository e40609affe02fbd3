package dev.orchard.model;

/**
 * What a JPEG's marker segments say before any pixel is decoded: whether it is progressive (the
 * decoder then buffers every coefficient of the whole image) and how many scans it has (every scan
 * is another pass over the image). Walks the segments and skips entropy-coded data, in which a
 * 0xFF byte is always stuffed, so a marker found there is a real one.
 *
 * @param progressive whether the frame is progressive (SOF2, SOF6, SOF10, SOF14)
 * @param components the frame's colour components (3 when no frame header was found)
 * @param scans start-of-scan markers found
 */
record JpegStructure(boolean progressive, int components, int scans) {

    static JpegStructure of(byte[] b) {
        boolean progressive = false;
        int components = 3;
        int scans = 0;
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                break; // damaged: the decoder will say so
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                break;
            }
            if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            int length = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            if (isFrame(marker)) {
                progressive |= marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
                if (pos + 9 < b.length) {
                    components = Math.max(1, b[pos + 9] & 0xFF);
                }
            }
            pos += 2 + length;
            if (marker == 0xDA) {
                scans++;
                pos = endOfEntropyData(b, pos);
            }
        }
        return new JpegStructure(progressive, components, scans);
    }

    private static boolean isFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /**
     * Where the entropy-coded data starting at {@code pos} ends: the first 0xFF followed by a marker
     * (not a stuffed 0x00, a fill 0xFF or a restart marker), else the end. Most bytes are not 0xFF,
     * so the inner loop looks for one with a single comparison per byte: this runs over every byte of
     * every JPEG scored, interpreted until the JIT gets to it.
     */
    static int endOfEntropyData(byte[] b, int pos) {
        int last = b.length - 1;
        while (pos < last) {
            if (b[pos] != (byte) 0xFF) {
                pos++;
                continue;
            }
            int next = b[pos + 1] & 0xFF;
            if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                return pos;
            }
            pos++;
        }
        return b.length;
    }
}
