package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.AotTrainingRun;
import dev.orchard.registry.ChampionCommands;
import dev.orchard.testing.TestDirectories;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** Continuous classify load while the champion is promoted and rolled back ten times: no request fails. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HotSwapIntegrationTests {

    static final Path DATA = TestDirectories.create("orchard-hotswap-");

    @DynamicPropertySource
    static void embeddedDefault(DynamicPropertyRegistry registry) {
        registry.add("orchard.storage.local.root", DATA::toString);
        registry.add("orchard.registry.work-dir", () -> DATA.resolve("work").toString());
        registry.add("orchard.registry.refresh-interval", () -> "50ms");
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    ModelTraining training;

    @Autowired
    ChampionCommands champions;

    @Test
    void swappingTheChampionUnderLoadFailsNoRequest() throws Exception {
        // given: a second version, and four clients classifying without pause
        int second = training.trainAndRegister(
                        new ModelTraining.Request(
                                "fashion", "local", "training/", "tribuo-cart", Map.of("maxDepth", 6)),
                        "test")
                .version();
        byte[] image = Files.readAllBytes(SampleDataset.images("bag", 1).get(0));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Set<String> failures = ConcurrentHashMap.newKeySet();
        Set<Integer> versionsServed = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> load = java.util.stream.IntStream.range(0, 4)
                .<Future<?>>mapToObj(
                        i -> clients.submit(() -> classifyUntilStopped(image, running, ok, failures, versionsServed)))
                .toList();

        // when
        for (int round = 0; round < 10; round++) {
            champions.promote("fashion", second, "test", "hot swap round " + round);
            Thread.sleep(150);
            champions.rollback("fashion", "test", "hot swap round " + round);
            Thread.sleep(150);
        }
        running.set(false);
        for (Future<?> client : load) {
            client.get();
        }
        clients.shutdown();

        // then
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(versionsServed).contains(1, second);
    }

    private void classifyUntilStopped(
            byte[] image, AtomicBoolean running, AtomicInteger ok, Set<String> failures, Set<Integer> versionsServed) {
        HttpClient http = HttpClient.newHttpClient();
        JsonMapper json = JsonMapper.builder().build();
        HttpRequest request = AotTrainingRun.classifyRequest("http://127.0.0.1:" + port, "fashion", image)
                .build();
        while (running.get()) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                    versionsServed.add(
                            json.readTree(response.body()).path("version").asInt());
                } else {
                    failures.add(response.statusCode() + " " + response.body());
                }
            } catch (IOException | InterruptedException e) {
                failures.add(e.toString());
            }
        }
    }
}
