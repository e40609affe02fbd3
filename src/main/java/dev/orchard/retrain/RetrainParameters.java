package dev.orchard.retrain;

import java.util.Map;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parameters of a {@code retrain} execution. Identifying — so the job repository itself
 * refuses a second identical run, on any worker that shares it — are {@code model}, {@code
 * fingerprint} (the data) and {@code recipe} (a digest of trainer and parameters), plus {@code
 * forced} (a fresh value per forced retrain) when forced. The rest is fixed when the run is asked
 * for and survives restarts: dataset, trainer and parameters, the gate's thresholds, who asked, and
 * where its intermediate results are staged.
 */
record RetrainParameters(
        String model,
        String fingerprint,
        String recipe,
        String forced,
        String dataset,
        String trainer,
        Map<String, Object> params,
        double minAccuracy,
        double maxRegression,
        RetrainProperties.Promote promote,
        String by,
        String staging) {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** The identifying parameters alone: what makes two retrains the same run. */
    static JobParameters identifying(String model, String fingerprint, String recipe, String forced) {
        JobParametersBuilder builder = new JobParametersBuilder()
                .addString("model", model)
                .addString("fingerprint", fingerprint)
                .addString("recipe", recipe);
        if (forced != null) {
            builder.addString("forced", forced);
        }
        return builder.toJobParameters();
    }

    JobParameters toJobParameters(JsonMapper json, String trace) {
        JobParametersBuilder builder = new JobParametersBuilder(identifying(model, fingerprint, recipe, forced))
                .addString("dataset", dataset, false)
                .addString("trainer", trainer, false)
                .addString("params", json.writeValueAsString(params), false)
                .addString("min-accuracy", Double.toString(minAccuracy), false)
                .addString("max-regression", Double.toString(maxRegression), false)
                .addString("promote", promote.name(), false)
                .addString("by", by, false)
                .addString("staging", staging, false);
        if (trace != null) {
            builder.addString(dev.orchard.system.TraceJobListener.PARAMETER, trace, false);
        }
        return builder.toJobParameters();
    }

    static RetrainParameters of(Map<String, Object> parameters, JsonMapper json) {
        Object forced = parameters.get("forced");
        return new RetrainParameters(
                text(parameters, "model"),
                text(parameters, "fingerprint"),
                text(parameters, "recipe"),
                forced == null ? null : forced.toString(),
                text(parameters, "dataset"),
                text(parameters, "trainer"),
                json.readValue(text(parameters, "params"), MAP),
                Double.parseDouble(text(parameters, "min-accuracy")),
                Double.parseDouble(text(parameters, "max-regression")),
                RetrainProperties.Promote.valueOf(text(parameters, "promote")),
                text(parameters, "by"),
                text(parameters, "staging"));
    }

    static RetrainParameters of(JobParameters parameters, JsonMapper json) {
        Map<String, Object> values = new java.util.HashMap<>();
        parameters.parameters().forEach(p -> values.put(p.name(), p.value()));
        return of(values, json);
    }

    Recipe recipeOf() {
        return new Recipe(dataset, trainer, params);
    }

    private static String text(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("retrain job parameter '" + name + "' is missing");
        }
        return value.toString();
    }
}
