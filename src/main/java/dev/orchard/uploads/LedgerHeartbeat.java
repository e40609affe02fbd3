package dev.orchard.uploads;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the upload claims this worker is working on every third of the claim lease, on a thread of
 * its own (not the shared housekeeping thread, whose longer tasks could delay a renewal past the
 * lease), so a live worker's claims never run out and a dead worker's run out within one lease. A
 * failed renewal is logged and tried again at the next beat.
 */
final class LedgerHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerHeartbeat.class);

    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "orchard-ledger-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    LedgerHeartbeat(UploadLedger ledger) {
        long every = Math.max(1, ledger.lease().toMillis() / 3);
        beat.scheduleWithFixedDelay(
                () -> {
                    try {
                        ledger.renewOwnClaims();
                    } catch (RuntimeException e) {
                        log.warn(
                                "cannot renew upload claims (next try in {}): {}",
                                Duration.ofMillis(every),
                                e.toString());
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        beat.shutdownNow();
    }
}
