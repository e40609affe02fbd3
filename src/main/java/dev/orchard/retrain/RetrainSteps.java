package dev.orchard.retrain;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.json.JsonMapper;

/** What every retrain step reads from its chunk context. */
final class RetrainSteps {

    /** Step names, in order. */
    static final String SNAPSHOT = "retrain-snapshot";

    static final String TRAIN = "retrain-train";
    static final String EVALUATE = "retrain-evaluate";
    static final String GATE = "retrain-gate";
    static final String REGISTER = "retrain-register";
    static final String PROMOTE = "retrain-promote";

    private RetrainSteps() {}

    static RetrainParameters parameters(ChunkContext context, JsonMapper json) {
        return RetrainParameters.of(context.getStepContext().getJobParameters(), json);
    }

    static StepExecution step(ChunkContext context) {
        return context.getStepContext().getStepExecution();
    }

    static ExecutionContext progress(ChunkContext context) {
        return step(context).getExecutionContext();
    }

    /** The run's id: {@code retrain-<job instance id>}. */
    static String run(ChunkContext context) {
        return RetrainRuns.runId(
                step(context).getJobExecution().getJobInstance().getInstanceId());
    }
}
