package dev.orchard.storage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A second process writing to a local store: {@code <root> <count>}. Prints {@code ready}, waits for
 * a line on standard input, then adds one to the counter object {@code count} times (read, then
 * compare-and-swap write) and prints {@code done}.
 */
public final class LocalStoreWriterProcess {

    private LocalStoreWriterProcess() {}

    public static void main(String[] args) throws Exception {
        LocalBlobStore store = new LocalBlobStore(Path.of(args[0]), Clock.systemUTC());
        int count = Integer.parseInt(args[1]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        LocalBlobStoreTests.increment(store, count);
        System.out.println("done");
    }
}
