package dev.orchard.system;

import org.slf4j.MDC;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Carries a job's trace id (the non-identifying job parameter {@value #PARAMETER}, set from the
 * request or message that started it) into the logging MDC of every thread that runs the job or
 * one of its steps — partitions on other threads and other workers included.
 */
public final class TraceJobListener implements JobExecutionListener, StepExecutionListener {

    public static final String PARAMETER = "trace";

    @Override
    public void beforeJob(JobExecution execution) {
        put(execution.getJobParameters().getString(PARAMETER));
    }

    @Override
    public void afterJob(JobExecution execution) {
        MDC.remove(TraceIds.MDC_KEY);
    }

    @Override
    public void beforeStep(StepExecution execution) {
        put(execution.getJobParameters().getString(PARAMETER));
    }

    @Override
    public ExitStatus afterStep(StepExecution execution) {
        MDC.remove(TraceIds.MDC_KEY);
        return null;
    }

    private static void put(String trace) {
        if (TraceIds.valid(trace)) {
            MDC.put(TraceIds.MDC_KEY, trace);
        }
    }
}
