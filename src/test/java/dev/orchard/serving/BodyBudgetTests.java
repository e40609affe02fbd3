package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class BodyBudgetTests {

    static final Function<String, RuntimeException> TOO_LARGE =
            size -> new TensorBodies.BodyTooLargeException("too large: " + size);

    @Test
    void readsABodyIntoAnArrayReservedBeforeItIsAllocated() {
        BodyBudget budget = new BodyBudget(4 << 20, Duration.ofMillis(50));
        byte[] body = random(600 * 1024 + 5);
        for (boolean chunked : new boolean[] {false, true}) {
            try (BodyBudget.Reservation held = budget.open()) {
                // when
                byte[] read = TensorBodies.read(request(body, chunked ? -1 : body.length), 1 << 20, TOO_LARGE, held);

                // then: the bytes, and the request holds what its one array takes (not the outgrown ones)
                assertThat(read).as("chunked " + chunked).isEqualTo(body);
                assertThat(held.bytes()).isBetween((long) body.length, body.length + 2048L);
                assertThat(budget.reservedBytes()).isEqualTo(held.bytes());
            }
            assertThat(budget.reservedBytes()).isZero();
        }
    }

    @Test
    void aClientThatAnnouncesMoreThanItSendsMakesTheWorkerHoldAboutWhatItSent() throws Exception {
        // given: a request announcing 20 MB whose client sent 300 KB and then stalls
        BodyBudget budget = new BodyBudget(64 << 20, Duration.ofMillis(50));
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        MockHttpServletRequest request = request(new StallingStream(random(300 * 1024), stalled, goOn), 20 << 20);
        try (BodyBudget.Reservation held = budget.open()) {
            CompletableFuture<byte[]> reading =
                    CompletableFuture.supplyAsync(() -> TensorBodies.read(request, 25 << 20, TOO_LARGE, held));

            // when the client stalls
            assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

            // then: the worker holds at most twice what it received, not the announced 20 MB
            assertThat(budget.reservedBytes()).isLessThanOrEqualTo(2 * 300 * 1024 + 1024);
            goOn.countDown();
            assertThatThrownBy(reading::join)
                    .hasCauseInstanceOf(BadPredictException.class)
                    .hasMessageContaining("ended after 307200 of the 20971520 bytes its Content-Length announced");
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void bodiesBeyondTheBudgetWaitThenAreRefusedAsBusyAndGoThroughOnceRoomIsGiven() throws Exception {
        // given: a 1 MB budget, 700 KB of it held by a request being answered
        BodyBudget budget = new BodyBudget(1 << 20, Duration.ofMillis(100));
        BodyBudget.Reservation first = budget.open();
        first.grow(700 * 1024);
        byte[] body = random(400 * 1024);

        // when / then: a second 400 KB body does not fit: refused after the wait, holding nothing
        try (BodyBudget.Reservation second = budget.open()) {
            assertThatThrownBy(() -> TensorBodies.read(request(body, body.length), 1 << 20, TOO_LARGE, second))
                    .isInstanceOf(OverloadedException.class)
                    .hasMessageContaining("orchard.serving.requests.body-budget");
        }
        assertThat(budget.reservedBytes()).isEqualTo(700 * 1024);

        // and it goes through when the first request is answered while it waits
        BodyBudget patient = new BodyBudget(1 << 20, Duration.ofSeconds(30));
        BodyBudget.Reservation holder = patient.open();
        holder.grow(700 * 1024);
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> {
            try (BodyBudget.Reservation held = patient.open()) {
                return TensorBodies.read(request(body, body.length), 1 << 20, TOO_LARGE, held);
            }
        });
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        holder.close();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(body);
        assertThat(patient.reservedBytes()).isZero();
    }

    @Test
    void aBodyLargerThanTheWholeBudgetIsRefusedAtOnce() {
        BodyBudget budget = new BodyBudget(1 << 20, Duration.ofSeconds(30));
        byte[] body = random(3 << 20);
        try (BodyBudget.Reservation held = budget.open()) {
            assertThatThrownBy(() -> TensorBodies.read(request(body, body.length), 4 << 20, TOO_LARGE, held))
                    .isInstanceOf(TensorBodies.BodyTooLargeException.class)
                    .hasMessageContaining("body budget of this worker is 1048576 bytes");
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void bodiesOverTheLimitAreRefusedFromTheirLengthOrWhileReadWithoutHoldingMore() {
        BodyBudget budget = new BodyBudget(64 << 20, Duration.ofMillis(50));
        byte[] body = random(2 << 20);
        try (BodyBudget.Reservation held = budget.open()) {
            assertThatThrownBy(() -> TensorBodies.read(request(body, body.length), 1 << 20, TOO_LARGE, held))
                    .hasMessage("too large: 2097152 bytes");
            assertThat(held.bytes()).isZero();
            assertThatThrownBy(() -> TensorBodies.read(request(body, -1), 1 << 20, TOO_LARGE, held))
                    .hasMessage("too large: more than 1048576 bytes");
            assertThat(held.bytes()).isLessThanOrEqualTo((2 << 20) + 1024);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    static MockHttpServletRequest request(byte[] body, long contentLength) {
        return request(new ByteArrayInputStream(body), contentLength);
    }

    /** A request whose body is {@code in} (read once) and whose Content-Length says {@code contentLength}. */
    static MockHttpServletRequest request(java.io.InputStream in, long contentLength) {
        return new MockHttpServletRequest() {
            @Override
            public ServletInputStream getInputStream() {
                return stream(in);
            }

            @Override
            public long getContentLengthLong() {
                return contentLength;
            }
        };
    }

    static ServletInputStream stream(java.io.InputStream in) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {}
        };
    }

    /** Gives its bytes in 16 KB reads, then says it stalled and waits before the end of the stream. */
    static final class StallingStream extends java.io.InputStream {
        private final ByteArrayInputStream bytes;
        private final CountDownLatch stalled;
        private final CountDownLatch goOn;

        StallingStream(byte[] bytes, CountDownLatch stalled, CountDownLatch goOn) {
            this.bytes = new ByteArrayInputStream(bytes);
            this.stalled = stalled;
            this.goOn = goOn;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = bytes.read(b, off, Math.min(len, 16 * 1024));
            if (n < 0) {
                stalled.countDown();
                try {
                    goOn.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            return n;
        }
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
