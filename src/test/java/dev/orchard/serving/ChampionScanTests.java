package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.model.ModelInput;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.TestModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ForwardingBlobStore;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.StorageException;
import dev.orchard.storage.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.json.JsonMapper;

class ChampionScanTests {

    @TempDir
    Path dir;

    ModelRegistry registry() {
        return new ModelRegistry(
                new LocalBlobStore(dir.resolve("data"), Clock.systemUTC()),
                "local",
                JsonMapper.builder().build(),
                Clock.systemUTC(),
                "test");
    }

    @Test
    void findsEveryChampionAndLoadsTensorFlowOnceWhenOneIsASavedModel() throws Exception {
        // given: a Tribuo champion, a SavedModel champion, and a model without a champion
        ModelRegistry registry = registry();
        promote(registry, "tree", tribuo(registry, "tree"));
        promote(
                registry,
                "lamp",
                TestModels.registerLamp(registry, Files.createDirectories(dir.resolve("s")), "lamp", false));
        tribuo(registry, "unpromoted");
        AtomicInteger runtimeLoads = new AtomicInteger();

        // when
        ChampionScan scan = new ChampionScan(registry, runtimeLoads::incrementAndGet);

        // then
        assertThat(scan.models()).containsExactlyInAnyOrder("tree", "lamp");
        assertThat(scan.awaitDone(Duration.ofSeconds(10))).isTrue();
        assertThat(runtimeLoads).hasValue(1);
    }

    @Test
    void awtsLibraryIsLoadedBeforeTensorFlowsRuntimeStarts() throws Exception {
        // given: a SavedModel champion, and a fresh JVM that has decoded no image yet (Linux: its maps tell)
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/maps")));
        ModelRegistry registry = registry();
        promote(
                registry,
                "lamp",
                TestModels.registerLamp(registry, Files.createDirectories(dir.resolve("s")), "lamp", false));

        // when: that JVM builds the scan, its TensorFlow load a stand-in that looks at what is loaded
        Process fresh = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.awt.headless=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FreshWorker.class.getName(),
                        dir.resolve("data").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(fresh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // then: AWT's library was mapped before TensorFlow's load began (else ImageIO's first use waits it out)
        assertThat(fresh.waitFor()).as(out).isZero();
        assertThat(out).contains("at TensorFlow's load, libawt loaded: true");
    }

    /** A worker's start in its own JVM: builds the scan over the registry in {@code args[0]}. */
    static final class FreshWorker {
        public static void main(String[] args) throws Exception {
            ModelRegistry registry = new ModelRegistry(
                    new LocalBlobStore(Path.of(args[0]), Clock.systemUTC()),
                    "local",
                    JsonMapper.builder().build(),
                    Clock.systemUTC(),
                    "test");
            ChampionScan scan = new ChampionScan(registry, () -> {
                try {
                    System.out.println("at TensorFlow's load, libawt loaded: "
                            + Files.readString(Path.of("/proc/self/maps")).contains("/libawt.so"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (!scan.awaitDone(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the scan did not end");
            }
        }
    }

    @Test
    void aWorkerWithoutSavedModelChampionsNeverLoadsTensorFlow() throws Exception {
        ModelRegistry registry = registry();
        promote(registry, "tree", tribuo(registry, "tree"));
        AtomicInteger runtimeLoads = new AtomicInteger();

        ChampionScan scan = new ChampionScan(registry, runtimeLoads::incrementAndGet);

        assertThat(scan.models()).containsExactly("tree");
        assertThat(scan.awaitDone(Duration.ofSeconds(10))).isTrue();
        assertThat(runtimeLoads).hasValue(0);
    }

    @Test
    void aRegistryThatCannotBeListedGivesNoModelsAndNoFailure() throws Exception {
        // given: storage that is down when the worker starts
        BlobStore down = new ForwardingBlobStore(new LocalBlobStore(dir.resolve("data"), Clock.systemUTC())) {
            @Override
            public List<StoredObject> list(String bucket, String prefix) {
                throw new StorageException("storage is down", new IOException("connection reset"));
            }
        };
        ModelRegistry registry =
                new ModelRegistry(down, "local", JsonMapper.builder().build(), Clock.systemUTC(), "test");

        ChampionScan scan = new ChampionScan(registry, () -> {
            throw new AssertionError("nothing to load");
        });

        assertThat(scan.models()).isEmpty();
        assertThat(scan.awaitDone(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aRuntimeThatFailsToLoadLeavesTheScanAndItsModelsIntact() throws Exception {
        ModelRegistry registry = registry();
        promote(
                registry,
                "lamp",
                TestModels.registerLamp(registry, Files.createDirectories(dir.resolve("s")), "lamp", false));

        ChampionScan scan = new ChampionScan(registry, () -> {
            throw new UnsatisfiedLinkError("no libtensorflow_cc.so.2 here");
        });

        assertThat(scan.awaitDone(Duration.ofSeconds(10))).isTrue();
        assertThat(scan.models()).containsExactly("lamp");
    }

    @Test
    void theScanIsBuiltBeforeEverySingletonRegisteredAheadOfIt() {
        // given: a bean registered first that records when it was built, then the scan and its initializer
        List<String> built = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModelRegistry registry = registry();
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.registerBean("first", Object.class, () -> {
                built.add("first");
                return new Object();
            });
            context.registerBean(ChampionScan.class, () -> {
                built.add("championScan");
                return new ChampionScan(registry, () -> {});
            });
            RootBeanDefinition initializer = new RootBeanDefinition(ServingConfiguration.class);
            initializer.setFactoryMethodName("championScanFirst");
            context.registerBeanDefinition("championScanFirst", initializer);

            // when
            context.refresh();
        }

        // then
        assertThat(built).containsExactly("championScan", "first");
    }

    private static int tribuo(ModelRegistry registry, String name) {
        return registry.register(
                        new ModelDraft(
                                name,
                                ModelManifest.Kind.TRIBUO,
                                new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT),
                                ModelManifest.Output.PROBABILITIES,
                                List.of("a", "b"),
                                null,
                                null,
                                null,
                                null,
                                Map.of("model/model.pb", "a tree".getBytes(StandardCharsets.UTF_8))),
                        "test")
                .version();
    }

    private static void promote(ModelRegistry registry, String name, int version) {
        registry.promote(name, version, Optional.empty(), "test", "test");
    }
}
