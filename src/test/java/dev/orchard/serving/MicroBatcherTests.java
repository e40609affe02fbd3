package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.Classifier;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MicroBatcherTests {

    static final int CLASSES = 16;

    /** Answers the index of the largest value of each row, and records the batch sizes it saw. */
    static final class ArgmaxClassifier implements Classifier {
        final String prefix;
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;

        ArgmaxClassifier(String prefix, CountDownLatch gate) {
            this.prefix = prefix;
            this.gate = gate;
        }

        @Override
        public ModelInput input() {
            return new ModelInput(1, CLASSES, 1, ModelInput.Scaling.RAW);
        }

        @Override
        public List<String> labels() {
            return IntStream.range(0, CLASSES).mapToObj(i -> prefix + i).toList();
        }

        @Override
        public float[][] predict(float[][] batch) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batchSizes.add(batch.length);
            float[][] out = new float[batch.length][CLASSES];
            for (int i = 0; i < batch.length; i++) {
                int best = 0;
                for (int j = 1; j < CLASSES; j++) {
                    best = batch[i][j] > batch[i][best] ? j : best;
                }
                out[i][best] = 1;
            }
            return out;
        }

        @Override
        public void close() {}
    }

    static float[] oneHot(int index) {
        float[] row = new float[CLASSES];
        row[index] = 1;
        return row;
    }

    @Test
    void eachRequestGetsItsOwnAnswerAndConcurrentRequestsShareCalls() throws Exception {
        // given
        ArgmaxClassifier classifier = new ArgmaxClassifier("c", new CountDownLatch(0));
        LoadedModel model = new LoadedModel(null, classifier);
        MicroBatcher batcher = new MicroBatcher(32, Duration.ofMillis(5), 1024, 2);
        ExecutorService clients = Executors.newFixedThreadPool(32);

        // when: 32 clients × 20 requests, each asking for a different class
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int c = 0; c < 32; c++) {
            int client = c;
            answers.add(clients.submit(() -> {
                for (int r = 0; r < 20; r++) {
                    int expected = (client + r) % CLASSES;
                    try (LoadedModel.Lease lease = model.lease()) {
                        Prediction p =
                                batcher.submit(lease, oneHot(expected), 3).get();
                        if (!p.label().equals("c" + expected) || p.top().size() != 3) {
                            return false;
                        }
                    }
                }
                return true;
            }));
        }

        // then
        for (Future<Boolean> answer : answers) {
            assertThat(answer.get()).isTrue();
        }
        clients.shutdown();
        batcher.close();
        assertThat(classifier.batchSizes.stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(640);
        assertThat(classifier.batchSizes.stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElse(0))
                .isGreaterThan(1);
        assertThat(classifier.batchSizes.size()).isLessThan(640);
    }

    @Test
    void versionsAreNeverMixedInOneCall() throws Exception {
        ArgmaxClassifier a = new ArgmaxClassifier("a", new CountDownLatch(0));
        ArgmaxClassifier b = new ArgmaxClassifier("b", new CountDownLatch(0));
        LoadedModel va = new LoadedModel(null, a);
        LoadedModel vb = new LoadedModel(null, b);
        MicroBatcher batcher = new MicroBatcher(64, Duration.ofMillis(20), 1024, 1);
        List<CompletableFuture<Prediction>> fromA = new ArrayList<>();
        List<CompletableFuture<Prediction>> fromB = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fromA.add(batcher.submit(va.lease(), oneHot(i % CLASSES), 1));
            fromB.add(batcher.submit(vb.lease(), oneHot(i % CLASSES), 1));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(fromA.get(i).get().label()).startsWith("a");
            assertThat(fromB.get(i).get().label()).startsWith("b");
        }
        batcher.close();
    }

    @Test
    void aFullQueueIsRefusedAtOnce() throws Exception {
        // given: inference blocked, queue of 4
        CountDownLatch gate = new CountDownLatch(1);
        LoadedModel model = new LoadedModel(null, new ArgmaxClassifier("c", gate));
        MicroBatcher batcher = new MicroBatcher(1, Duration.ZERO, 4, 1);
        List<CompletableFuture<Prediction>> accepted = new ArrayList<>();
        accepted.add(batcher.submit(model.lease(), oneHot(0), 1)); // taken by the inference thread
        Thread.sleep(100);
        for (int i = 0; i < 4; i++) {
            accepted.add(batcher.submit(model.lease(), oneHot(1), 1));
        }

        // when / then
        assertThatThrownBy(() -> batcher.submit(model.lease(), oneHot(2), 1))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("queue is full");
        gate.countDown();
        for (CompletableFuture<Prediction> future : accepted) {
            assertThat(future.get().label()).startsWith("c");
        }
        batcher.close();
    }
}
