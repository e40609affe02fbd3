package dev.orchard.training;

import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.StorageProperties;
import dev.orchard.storage.WritePrecondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * First start of the embedded default: when the sample model has no champion, seed the training
 * prefix with the bundled Fashion-MNIST subset (if it holds no images), train, register version 1
 * and make it champion, so a newcomer sees the whole loop without bringing a model.
 *
 * <p>Runs before the upload watcher starts. Safe with several replicas: the version claim and the
 * create-only alias write let exactly one of them become champion; the others keep their version
 * unpromoted.
 */
@Component
@Order(0)
@ConditionalOnBooleanProperty(name = "orchard.bootstrap.enabled", matchIfMissing = true)
class SampleModelBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SampleModelBootstrap.class);
    private static final String SAMPLE = "classpath*:sample-dataset/fashion-mnist/*/*.png";

    private final BootstrapProperties properties;
    private final StorageProperties storage;
    private final BlobStore store;
    private final ModelRegistry registry;
    private final ModelTraining training;
    private final ChampionModels champions;

    SampleModelBootstrap(
            BootstrapProperties properties,
            StorageProperties storage,
            BlobStore store,
            ModelRegistry registry,
            ModelTraining training,
            ChampionModels champions) {
        this.properties = properties;
        this.storage = storage;
        this.store = store;
        this.registry = registry;
        this.training = training;
        this.champions = champions;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (registry.champion(properties.model()).isPresent()) {
            champions.refresh(properties.model());
            return;
        }
        log.info("model '{}' has no champion yet: training the sample model (first start only)", properties.model());
        String bucket = storage.bucket();
        if (DatasetSnapshot.of(store, bucket, properties.prefix()).objects().isEmpty()) {
            int copied = seedSampleDataset(bucket);
            log.info(
                    "seeded gs://{}/{} with {} bundled Fashion-MNIST images (MIT licence)",
                    bucket,
                    properties.prefix(),
                    copied);
        }
        ModelManifest manifest = training.trainAndRegister(
                new ModelTraining.Request(
                        properties.model(), bucket, properties.prefix(), properties.trainer(), properties.params()),
                "bootstrap");
        try {
            registry.promote(
                    properties.model(),
                    manifest.version(),
                    Optional.empty(),
                    "bootstrap",
                    "first model: trained on the sample dataset at first start");
        } catch (PreconditionFailedException anotherReplicaWon) {
            log.info(
                    "another worker promoted a first champion of '{}' meanwhile; version {} stays unpromoted",
                    properties.model(),
                    manifest.version());
        }
        champions.refresh(properties.model());
        log.info(
                "model '{}' version {} is champion; drop images into uploads/ to score them",
                properties.model(),
                manifest.version());
    }

    private int seedSampleDataset(String bucket) {
        try {
            Resource[] images = new PathMatchingResourcePatternResolver().getResources(SAMPLE);
            int copied = 0;
            for (Resource image : images) {
                String path = image.getURL().getPath();
                String[] parts = path.split("/");
                String object = properties.prefix() + parts[parts.length - 2] + "/" + parts[parts.length - 1];
                try (InputStream in = image.getInputStream()) {
                    store.put(bucket, object, in.readAllBytes(), WritePrecondition.doesNotExist());
                    copied++;
                } catch (PreconditionFailedException alreadyThere) {
                    // another replica seeded it first
                }
            }
            return copied;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled sample dataset", e);
        }
    }
}
