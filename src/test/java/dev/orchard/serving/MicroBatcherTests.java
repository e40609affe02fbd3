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
        final List<String> threads = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();
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
            entered.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batchSizes.add(batch.length);
            threads.add(Thread.currentThread().getName());
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

    @Test
    void offClassifiesEachImageInItsOwnCallOnTheRequestsThread() throws Exception {
        ArgmaxClassifier classifier = new ArgmaxClassifier("c", new CountDownLatch(0));
        LoadedModel model = new LoadedModel(null, classifier);
        MicroBatcher batcher = new MicroBatcher(MicroBatcher.Mode.OFF, 32, Duration.ofMillis(50), 16, 1);

        CompletableFuture<Prediction> answer = batcher.submit(model.lease(), oneHot(7), 1);

        assertThat(answer).isCompleted();
        assertThat(answer.get().label()).isEqualTo("c7");
        assertThat(classifier.threads).containsExactly(Thread.currentThread().getName());
        assertThat(classifier.batchSizes).containsExactly(1);
        batcher.close();
    }

    @Test
    void adaptiveRunsAloneOnTheRequestsThreadAndBatchesOnceRequestsQueueUp() throws Exception {
        // given: one inference thread, so one request may run on its own thread at a time
        CountDownLatch gate = new CountDownLatch(1);
        ArgmaxClassifier classifier = new ArgmaxClassifier("c", gate);
        LoadedModel model = new LoadedModel(null, classifier);
        MicroBatcher batcher = new MicroBatcher(MicroBatcher.Mode.ADAPTIVE, 32, Duration.ofMillis(300), 16, 1);

        // when: request A runs (and blocks in the model) on its own thread ...
        CompletableFuture<Prediction> a = new CompletableFuture<>();
        new Thread(() -> a.complete(batcher.submit(model.lease(), oneHot(1), 1).join()), "request-a").start();
        org.awaitility.Awaitility.await().until(() -> classifier.entered.get() == 1); // A is inside the model
        // ... and B, C, D arrive meanwhile
        List<CompletableFuture<Prediction>> queued = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            queued.add(batcher.submit(model.lease(), oneHot(i), 1));
        }
        gate.countDown();

        // then: A answered alone on its own thread, B-D together on the inference thread
        assertThat(a.get().label()).isEqualTo("c1");
        for (int i = 0; i < 3; i++) {
            assertThat(queued.get(i).get().label()).isEqualTo("c" + (i + 2));
        }
        assertThat(classifier.batchSizes).containsExactlyInAnyOrder(1, 3);
        assertThat(classifier.threads).containsExactlyInAnyOrder("request-a", "orchard-inference-0");

        // and: alone again, a request runs on its own thread
        classifier.threads.clear();
        assertThat(batcher.submit(model.lease(), oneHot(5), 1)).isCompleted();
        assertThat(classifier.threads).containsExactly(Thread.currentThread().getName());
        batcher.close();
    }
}
