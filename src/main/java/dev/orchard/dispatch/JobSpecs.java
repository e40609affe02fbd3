package dev.orchard.dispatch;

import dev.orchard.registry.ModelReference;
import dev.orchard.serving.ServedModels;
import dev.orchard.storage.GcsUri;
import dev.orchard.storage.ObjectNames;
import dev.orchard.uploads.UploadSpec;
import dev.orchard.uploads.UploadSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.core.env.PropertyResolver;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The validated job specs of {@code jobs/*.yaml}. Loading fails on the first bad spec with an
 * {@link InvalidJobSpecException} naming the file and the field, so a bad spec stops start-up
 * instead of silently scoring nothing. {@code ${VAR:default}} placeholders are resolved from the
 * environment first. A file may hold several specs separated by {@code ---}.
 */
public final class JobSpecs implements UploadSpecs, ServedModels {

    static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png", ".webp");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final List<UploadSpec> specs;
    private final List<PrefixJobSpec> prefixSpecs;
    private final List<RetrainSpec> retrainSpecs;

    public JobSpecs(List<UploadSpec> specs) {
        this(specs, List.of(), List.of());
    }

    public JobSpecs(List<UploadSpec> specs, List<PrefixJobSpec> prefixSpecs, List<RetrainSpec> retrainSpecs) {
        this.specs = List.copyOf(specs);
        this.prefixSpecs = List.copyOf(prefixSpecs);
        this.retrainSpecs = List.copyOf(retrainSpecs);
    }

    /** The {@code kind: retrain} specs (at most one per model). */
    public List<RetrainSpec> retrainSpecs() {
        return retrainSpecs;
    }

    /** The retrain spec of {@code model}, if it has one. */
    public Optional<RetrainSpec> retrainSpecFor(String model) {
        return retrainSpecs.stream().filter(s -> s.model().equals(model)).findFirst();
    }

    /** The upload-scoring ({@code kind: score}) specs. */
    public List<UploadSpec> all() {
        return specs;
    }

    /** The {@code kind: score-prefix} specs. */
    public List<PrefixJobSpec> prefixSpecs() {
        return prefixSpecs;
    }

    /** The score spec whose storage trigger matches the object, if any (first by file name). */
    public Optional<UploadSpec> scoreSpecFor(String bucket, String object) {
        return specs.stream()
                .filter(s -> s.kind() == UploadSpec.Kind.SCORE && s.storage().matches(bucket, object))
                .findFirst();
    }

    @Override
    public Optional<UploadSpec> named(String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Model names the specs depend on (the worker is ready only once each has a champion). */
    @Override
    public Set<String> models() {
        Set<String> models =
                specs.stream().map(s -> s.model().name()).collect(Collectors.toCollection(java.util.TreeSet::new));
        prefixSpecs.forEach(s -> models.add(s.model().name()));
        return models;
    }

    /** The class path resource of the built-in default spec. */
    public static final String BUILT_IN = "default-jobs/score-uploads.yaml";

    /** Loads every {@code *.yaml} / {@code *.yml} under {@code directory}, sorted by file name. */
    public static JobSpecs load(Path directory, PropertyResolver placeholders) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidJobSpecException(
                    directory.toString(), null, "job spec directory does not exist (set orchard.jobs.location)");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidJobSpecException(directory.toString(), null, "cannot list: " + e.getMessage());
        }
        Map<String, List<JobSpec>> parsed = new LinkedHashMap<>();
        for (Path file : files) {
            parsed.put(file.toString(), parse(file, placeholders));
        }
        return of(parsed);
    }

    /**
     * The built-in default from the jar ({@value #BUILT_IN}): score every image under {@code
     * uploads/} of the data bucket with the champion of the bootstrap model.
     */
    public static JobSpecs builtIn(PropertyResolver placeholders) {
        try (var in = JobSpecs.class.getResourceAsStream("/" + BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the class path");
            }
            String where = "built-in " + BUILT_IN;
            return of(Map.of(where, parse(where, new String(in.readAllBytes(), StandardCharsets.UTF_8), placeholders)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUILT_IN, e);
        }
    }

    /** Checks names and retrain models across files ({@code where} → its specs). */
    private static JobSpecs of(Map<String, List<JobSpec>> parsed) {
        List<UploadSpec> specs = new ArrayList<>();
        List<PrefixJobSpec> prefixSpecs = new ArrayList<>();
        List<RetrainSpec> retrainSpecs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, List<JobSpec>> file : parsed.entrySet()) {
            for (JobSpec spec : file.getValue()) {
                if (!names.add(spec.name())) {
                    throw new InvalidJobSpecException(
                            file.getKey(), "name", "'" + spec.name() + "' is used by another spec");
                }
                if (spec instanceof JobSpec.ScoreUploads score) {
                    specs.add(score.spec());
                } else if (spec instanceof PrefixJobSpec prefix) {
                    prefixSpecs.add(prefix);
                } else if (spec instanceof RetrainSpec retrain) {
                    if (retrainSpecs.stream().anyMatch(other -> other.model().equals(retrain.model()))) {
                        throw new InvalidJobSpecException(
                                file.getKey(), "model", "model '" + retrain.model() + "' already has a retrain spec");
                    }
                    retrainSpecs.add(retrain);
                }
            }
        }
        return new JobSpecs(specs, prefixSpecs, retrainSpecs);
    }

    /** The specs of one file: {@link UploadSpec}s and {@link PrefixJobSpec}s. */
    static List<JobSpec> parse(Path file, PropertyResolver placeholders) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidJobSpecException(file.toString(), null, "cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, placeholders);
    }

    static List<JobSpec> parse(String where, String text, PropertyResolver placeholders) {
        try {
            text = placeholders.resolveRequiredPlaceholders(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(where, null, e.getMessage());
        }
        List<JobSpec> specs = new ArrayList<>();
        try (MappingIterator<JobSpecFile> documents =
                YAML.readerFor(JobSpecFile.class).readValues(text)) {
            while (documents.hasNextValue()) {
                JobSpecFile raw = documents.nextValue();
                if (raw != null) {
                    specs.add(validate(where, raw));
                }
            }
        } catch (DatabindException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new InvalidJobSpecException(where, field.isEmpty() ? null : field, e.getOriginalMessage());
        } catch (JacksonException e) {
            throw new InvalidJobSpecException(where, null, "not valid YAML: " + e.getOriginalMessage());
        }
        return specs;
    }

    private static JobSpec validate(String file, JobSpecFile raw) {
        require(file, "name", raw.name());
        if (!raw.name().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new InvalidJobSpecException(
                    file, "name", "must be lower-case letters, digits and '-', got '" + raw.name() + "'");
        }
        require(file, "kind", raw.kind());
        if (raw.kind().equals("retrain")) {
            return validateRetrain(file, raw);
        }
        onlyForRetrain(file, raw);
        if (raw.kind().equals("score-prefix")) {
            return validatePrefix(file, raw);
        }
        if (!raw.kind().equals("score")) {
            throw new InvalidJobSpecException(
                    file, "kind", "must be 'score', 'score-prefix' or 'retrain', got '" + raw.kind() + "'");
        }
        if (raw.input() != null || raw.partitions() != null) {
            throw new InvalidJobSpecException(
                    file, raw.input() != null ? "input" : "partitions", "is only for kind 'score-prefix'");
        }
        if (raw.trigger() != null && raw.trigger().schedule() != null) {
            throw new InvalidJobSpecException(file, "trigger.schedule", "is only for kind 'score-prefix'");
        }
        if (raw.trigger() == null || raw.trigger().storage() == null) {
            throw new InvalidJobSpecException(file, "trigger.storage", "is required for kind 'score'");
        }
        JobSpecFile.Storage storage = raw.trigger().storage();
        require(file, "trigger.storage.bucket", storage.bucket());
        String prefix = folder(file, "trigger.storage.prefix", storage.prefix());
        List<String> suffixes = storage.suffixes() == null ? IMAGE_SUFFIXES : storage.suffixes();
        for (String suffix : suffixes) {
            if (suffix == null || !suffix.startsWith(".")) {
                throw new InvalidJobSpecException(
                        file, "trigger.storage.suffixes", "each suffix must start with '.', got '" + suffix + "'");
            }
        }
        ModelReference model = champion(file, raw.model());
        String output = folder(file, "output", raw.output());
        if (output.startsWith(prefix) || prefix.startsWith(output)) {
            throw new InvalidJobSpecException(
                    file,
                    "output",
                    "'" + output + "' overlaps the trigger prefix '" + prefix + "'; results would trigger scoring");
        }
        int topK = raw.topK() == null ? 3 : raw.topK();
        if (topK < 1 || topK > 100) {
            throw new InvalidJobSpecException(file, "top-k", "must be 1..100, got " + topK);
        }
        List<String> lowerSuffixes =
                suffixes.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
        return new JobSpec.ScoreUploads(new UploadSpec(
                raw.name(),
                UploadSpec.Kind.SCORE,
                new UploadSpec.StorageTrigger(storage.bucket(), prefix, lowerSuffixes),
                model,
                output,
                topK,
                file));
    }

    private static PrefixJobSpec validatePrefix(String file, JobSpecFile raw) {
        if (raw.trigger() != null && raw.trigger().storage() != null) {
            throw new InvalidJobSpecException(
                    file, "trigger.storage", "is only for kind 'score' (a score-prefix job reads 'input')");
        }
        if (raw.output() != null || raw.topK() != null) {
            throw new InvalidJobSpecException(
                    file,
                    raw.output() != null ? "output" : "top-k",
                    "is not used by kind 'score-prefix' (output goes to predictions/jobs/score/<run>/)");
        }
        require(file, "input", raw.input());
        if (!raw.input().startsWith("gs://") || !raw.input().endsWith("/")) {
            throw new InvalidJobSpecException(file, "input", "must be gs://bucket/prefix/, got '" + raw.input() + "'");
        }
        GcsUri input;
        try {
            input = GcsUri.parse(raw.input());
            GcsUri.parse(raw.input().replace("{date}", "2026-01-01")); // what a run's prefix will be
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "input", "must be gs://bucket/prefix/: " + e.getMessage());
        }
        String bucket = input.bucket();
        String prefix = input.path();
        if (!prefix.isEmpty()) {
            folder(file, "input", prefix.replace("{date}", "2026-01-01"));
        }
        ModelReference model = champion(file, raw.model());
        String schedule =
                raw.trigger() == null ? null : cron(file, raw.trigger().schedule());
        if (raw.partitions() != null && (raw.partitions() < 1 || raw.partitions() > 10_000)) {
            throw new InvalidJobSpecException(file, "partitions", "must be 1..10000, got " + raw.partitions());
        }
        return new PrefixJobSpec(raw.name(), bucket, prefix, model, schedule, raw.partitions(), file);
    }

    private static void onlyForRetrain(String file, JobSpecFile raw) {
        String field = raw.dataset() != null
                ? "dataset"
                : raw.trainer() != null
                        ? "trainer"
                        : raw.gate() != null
                                ? "gate"
                                : raw.trigger() != null && raw.trigger().newObjects() != null
                                        ? "trigger.new-objects"
                                        : raw.trigger() != null && raw.trigger().drift() != null
                                                ? "trigger.drift"
                                                : null;
        if (field != null) {
            throw new InvalidJobSpecException(file, field, "is only for kind 'retrain'");
        }
    }

    private static RetrainSpec validateRetrain(String file, JobSpecFile raw) {
        String misplaced = raw.input() != null
                ? "input"
                : raw.partitions() != null
                        ? "partitions"
                        : raw.output() != null
                                ? "output"
                                : raw.topK() != null
                                        ? "top-k"
                                        : raw.trigger() != null && raw.trigger().storage() != null
                                                ? "trigger.storage"
                                                : null;
        if (misplaced != null) {
            throw new InvalidJobSpecException(file, misplaced, "is not used by kind 'retrain'");
        }
        require(file, "model", raw.model());
        try {
            dev.orchard.registry.ModelNames.requireValid(raw.model());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "model", e.getMessage() + " (a model name, not name@alias)");
        }
        require(file, "dataset", raw.dataset());
        try {
            dev.orchard.training.DatasetSnapshot.Location.parse(raw.dataset());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "dataset", e.getMessage());
        }
        if (raw.trainer() == null) {
            throw new InvalidJobSpecException(file, "trainer.type", "is required");
        }
        require(file, "trainer.type", raw.trainer().type());
        if (raw.trainer().params() != null) {
            raw.trainer().params().forEach((key, value) -> {
                if (value == null) {
                    throw new InvalidJobSpecException(file, "trainer.params." + key, "has no value");
                }
            });
        }
        JobSpecFile.Gate gate = raw.gate() == null ? new JobSpecFile.Gate(null, null, null) : raw.gate();
        unitInterval(file, "gate.min-accuracy", gate.minAccuracy());
        unitInterval(file, "gate.max-regression", gate.maxRegression());
        dev.orchard.retrain.RetrainProperties.Promote promote = null;
        if (gate.promote() != null) {
            try {
                promote = dev.orchard.retrain.RetrainProperties.Promote.valueOf(
                        gate.promote().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidJobSpecException(
                        file, "gate.promote", "must be 'auto' or 'manual', got '" + gate.promote() + "'");
            }
        }
        String schedule =
                raw.trigger() == null ? null : cron(file, raw.trigger().schedule());
        Integer newObjects = raw.trigger() == null ? null : raw.trigger().newObjects();
        if (newObjects != null && newObjects < 1) {
            throw new InvalidJobSpecException(file, "trigger.new-objects", "must be at least 1, got " + newObjects);
        }
        dev.orchard.drift.DriftTrigger drift =
                raw.trigger() == null || raw.trigger().drift() == null
                        ? null
                        : drift(file, raw.trigger().drift());
        return new RetrainSpec(
                raw.name(),
                raw.model(),
                raw.dataset(),
                raw.trainer().type(),
                raw.trainer().params() == null
                        ? java.util.Map.of()
                        : raw.trainer().params(),
                gate.minAccuracy(),
                gate.maxRegression(),
                promote,
                schedule,
                newObjects,
                drift,
                file);
    }

    /**
     * {@code trigger.drift}: statistic (required), measure {@code psi} (default) or {@code js},
     * threshold (default 0.25 for psi, 0.1 for js), window {@code count} (default) or {@code time},
     * min-samples (default 500), cool-down (default 24h).
     */
    private static dev.orchard.drift.DriftTrigger drift(String file, JobSpecFile.Drift raw) {
        String field = "trigger.drift.statistic";
        try {
            require(file, field, raw.statistic());
            dev.orchard.model.ProfileStatistic statistic = dev.orchard.model.ProfileStatistic.of(raw.statistic());
            field = "trigger.drift.measure";
            dev.orchard.drift.DriftTrigger.Measure measure = raw.measure() == null
                    ? dev.orchard.drift.DriftTrigger.Measure.PSI
                    : dev.orchard.drift.DriftTrigger.Measure.of(raw.measure());
            field = "trigger.drift.window";
            dev.orchard.drift.DriftTrigger.WindowKind window = raw.window() == null
                    ? dev.orchard.drift.DriftTrigger.WindowKind.COUNT
                    : dev.orchard.drift.DriftTrigger.WindowKind.of(raw.window());
            field = "trigger.drift.cool-down";
            java.time.Duration coolDown = raw.coolDown() == null
                    ? java.time.Duration.ofHours(24)
                    : org.springframework.boot.convert.DurationStyle.detectAndParse(raw.coolDown());
            field = "trigger.drift";
            return new dev.orchard.drift.DriftTrigger(
                    statistic,
                    measure,
                    raw.threshold() != null
                            ? raw.threshold()
                            : measure == dev.orchard.drift.DriftTrigger.Measure.PSI ? 0.25 : 0.1,
                    window,
                    raw.minSamples() == null ? 500 : raw.minSamples(),
                    coolDown);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, field, e.getMessage());
        }
    }

    private static void unitInterval(String file, String field, Double value) {
        if (value != null && (value.isNaN() || value < 0 || value > 1)) {
            throw new InvalidJobSpecException(file, field, "must be between 0 and 1, got " + value);
        }
    }

    private static String cron(String file, String schedule) {
        if (schedule != null) {
            try {
                org.springframework.scheduling.support.CronExpression.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw new InvalidJobSpecException(
                        file,
                        "trigger.schedule",
                        "is not a cron expression (sec min hour day month weekday): " + e.getMessage());
            }
        }
        return schedule;
    }

    private static String folder(String file, String field, String value) {
        require(file, field, value);
        if (!value.endsWith("/")) {
            throw new InvalidJobSpecException(file, field, "must end with '/', got '" + value + "'");
        }
        try {
            return ObjectNames.requireValidPrefix(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, field, e.getMessage());
        }
    }

    private static void require(String file, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidJobSpecException(file, field, "is required");
        }
    }

    /** {@code name} or {@code name@champion}: specs follow a model's champion. */
    private static ModelReference champion(String file, String text) {
        ModelReference model;
        try {
            model = ModelReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "model", e.getMessage());
        }
        if (!model.champion()) {
            throw new InvalidJobSpecException(
                    file, "model", "a spec follows the champion ('name' or 'name@champion'), got '" + text + "'");
        }
        return model;
    }
}
