package dev.orchard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JpegStructureTests {

    @Test
    void theEndOfEntropyDataIsTheFirstRealMarkerWhereverTheScanStarts() {
        Random random = new Random(11);
        byte[] interesting = {(byte) 0xFF, 0x00, (byte) 0xD0, (byte) 0xD7, (byte) 0xD8, (byte) 0xD9, (byte) 0xDA, 0x12};
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly the bytes the rule is about: 0xFF, stuffing, restart markers, real markers
                bytes[i] = random.nextInt(4) == 0
                        ? (byte) random.nextInt(256)
                        : interesting[random.nextInt(interesting.length)];
            }
            for (int start = 0; start <= bytes.length + 1; start++) {
                assertThat(JpegStructure.endOfEntropyData(bytes, start))
                        .as("start %d of %s", start, java.util.HexFormat.of().formatHex(bytes))
                        .isEqualTo(byteByByte(bytes, start));
            }
        }
    }

    @Test
    void baselineAndProgressiveJpegsAreToldApartAndTheirScansCounted() {
        JpegStructure baseline = JpegStructure.of(TestImages.jpegWithOrientation(64, 48, 1));
        assertThat(baseline.progressive()).isFalse();
        assertThat(baseline.scans()).isEqualTo(1);
        assertThat(baseline.components()).isEqualTo(3);

        byte[] progressive = TestImages.progressiveJpeg(64, 48);
        JpegStructure structure = JpegStructure.of(progressive);
        assertThat(structure.progressive()).isTrue();
        assertThat(JpegStructure.of(TestImages.withExtraScans(progressive, 300)).scans())
                .isEqualTo(structure.scans() + 300);
    }

    /** The rule as first written: every byte looked at with its successor. */
    private static int byteByByte(byte[] b, int pos) {
        while (pos + 1 < b.length) {
            int next = b[pos + 1] & 0xFF;
            if ((b[pos] & 0xFF) == 0xFF && next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                return pos;
            }
            pos++;
        }
        return b.length;
    }
}
