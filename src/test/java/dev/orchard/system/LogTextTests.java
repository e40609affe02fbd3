package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTests {

    @Test
    void aReasonCannotStartANewLogLine() {
        assertThat(LogText.oneLine("rolled back\r\n2026-11-30 INFO forged: admin token accepted"))
                .isEqualTo("rolled back\\r\\n2026-11-30 INFO forged: admin token accepted")
                .doesNotContain("\n")
                .doesNotContain("\r");
        assertThat(LogText.oneLine("plain")).isEqualTo("plain");
        assertThat(LogText.oneLine(null)).isNull();
    }
}
