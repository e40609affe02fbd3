package dev.orchard.model;

import dev.orchard.model.ImageRejectedException.Reason;

/**
 * The image formats Orchard decodes, recognised by their signature bytes rather than by asking
 * every ImageIO plug-in on the class path (which would hand GIF, BMP, TIFF or WBMP to decoders
 * nobody chose, tested or bounded).
 */
enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    WEBP("webp");

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The ImageIO format name whose reader decodes it. */
    String imageIoName() {
        return imageIoName;
    }

    /**
     * The format of {@code b}.
     *
     * @throws ImageRejectedException {@link Reason#UNSUPPORTED} for a format recognised but not
     *     decoded here (GIF, BMP, TIFF, ICO, HEIF/AVIF), {@link Reason#NOT_AN_IMAGE} for anything else
     */
    static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        String other = otherFormat(b);
        if (other != null) {
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED, other + " images are not supported; send JPEG, PNG or WebP");
        }
        throw new ImageRejectedException(Reason.NOT_AN_IMAGE, "not a JPEG, PNG or WebP image");
    }

    private static String otherFormat(byte[] b) {
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "GIF";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "BMP";
        }
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
            return "TIFF";
        }
        if (startsWith(b, 0, 0, 0, 1, 0)) {
            return "ICO";
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "HEIF/AVIF";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, int... signature) {
        if (b.length < at + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((b[at + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
