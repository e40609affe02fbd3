package dev.orchard.dispatch;

import dev.orchard.storage.ObjectNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
public final class JobSpecs {

    static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png", ".webp");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final List<JobSpec> specs;
    private final List<PrefixJobSpec> prefixSpecs;

    public JobSpecs(List<JobSpec> specs) {
        this(specs, List.of());
    }

    public JobSpecs(List<JobSpec> specs, List<PrefixJobSpec> prefixSpecs) {
        this.specs = List.copyOf(specs);
        this.prefixSpecs = List.copyOf(prefixSpecs);
    }

    /** The upload-scoring ({@code kind: score}) specs. */
    public List<JobSpec> all() {
        return specs;
    }

    /** The {@code kind: score-prefix} specs. */
    public List<PrefixJobSpec> prefixSpecs() {
        return prefixSpecs;
    }

    /** The score spec whose storage trigger matches the object, if any (first by file name). */
    public Optional<JobSpec> scoreSpecFor(String bucket, String object) {
        return specs.stream()
                .filter(s -> s.kind() == JobSpec.Kind.SCORE && s.storage().matches(bucket, object))
                .findFirst();
    }

    public Optional<JobSpec> named(String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Model names the specs depend on (the worker is ready only once each has a champion). */
    public Set<String> models() {
        Set<String> models =
                specs.stream().map(s -> s.model().name()).collect(Collectors.toCollection(java.util.TreeSet::new));
        prefixSpecs.forEach(s -> models.add(s.model().name()));
        return models;
    }

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
        List<JobSpec> specs = new ArrayList<>();
        List<PrefixJobSpec> prefixSpecs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            for (Object spec : parse(file, placeholders)) {
                String name = spec instanceof JobSpec s ? s.name() : ((PrefixJobSpec) spec).name();
                if (!names.add(name)) {
                    throw new InvalidJobSpecException(
                            file.toString(), "name", "'" + name + "' is used by another spec");
                }
                if (spec instanceof JobSpec s) {
                    specs.add(s);
                } else {
                    prefixSpecs.add((PrefixJobSpec) spec);
                }
            }
        }
        return new JobSpecs(specs, prefixSpecs);
    }

    /** The specs of one file: {@link JobSpec}s and {@link PrefixJobSpec}s. */
    static List<Object> parse(Path file, PropertyResolver placeholders) {
        String where = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidJobSpecException(where, null, "cannot read: " + e.getMessage());
        }
        try {
            text = placeholders.resolveRequiredPlaceholders(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(where, null, e.getMessage());
        }
        List<Object> specs = new ArrayList<>();
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

    private static Object validate(String file, JobSpecFile raw) {
        require(file, "name", raw.name());
        if (!raw.name().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new InvalidJobSpecException(
                    file, "name", "must be lower-case letters, digits and '-', got '" + raw.name() + "'");
        }
        require(file, "kind", raw.kind());
        if (raw.kind().equals("score-prefix")) {
            return validatePrefix(file, raw);
        }
        if (!raw.kind().equals("score")) {
            throw new InvalidJobSpecException(
                    file, "kind", "must be 'score' or 'score-prefix', got '" + raw.kind() + "'");
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
        ModelRef model;
        try {
            model = ModelRef.parse(raw.model());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "model", e.getMessage());
        }
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
        return new JobSpec(
                raw.name(),
                JobSpec.Kind.SCORE,
                new JobSpec.StorageTrigger(storage.bucket(), prefix, lowerSuffixes),
                model,
                output,
                topK,
                file);
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
        String path = raw.input().substring(5);
        int slash = path.indexOf('/');
        String bucket = path.substring(0, slash);
        String prefix = path.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new InvalidJobSpecException(file, "input", "names no bucket: '" + raw.input() + "'");
        }
        if (!prefix.isEmpty()) {
            folder(file, "input", prefix.replace("{date}", "2026-01-01"));
        }
        ModelRef model;
        try {
            model = ModelRef.parse(raw.model());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException(file, "model", e.getMessage());
        }
        String schedule = raw.trigger() == null ? null : raw.trigger().schedule();
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
        if (raw.partitions() != null && (raw.partitions() < 1 || raw.partitions() > 10_000)) {
            throw new InvalidJobSpecException(file, "partitions", "must be 1..10000, got " + raw.partitions());
        }
        return new PrefixJobSpec(raw.name(), bucket, prefix, model, schedule, raw.partitions(), file);
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
}
