package dev.orchard.system;

import java.util.ArrayDeque;
import java.util.Deque;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Carries a job's trace context (the non-identifying job parameter {@value #PARAMETER}, set from the
 * request or message that started it: a W3C {@code traceparent} when spans are on, else a trace id)
 * onto every thread that runs the job or one of its steps — partitions on other threads and other
 * workers included. Spring Batch's own spans ({@code spring.batch.job}, {@code spring.batch.step})
 * are that trace's when the run was launched from it (the launchers propagate the context); where
 * they are not — a run resumed after a crash, a partition on another worker — a span {@code job
 * <name>} or {@code step <name>} joins the run to its trace. Meanwhile the trace id is in the
 * logging MDC ({@link Spans}).
 */
public final class TraceJobListener implements JobExecutionListener, StepExecutionListener {

    public static final String PARAMETER = "trace";

    private final Spans spans;
    private final ThreadLocal<Deque<Spans.Active>> open = ThreadLocal.withInitial(ArrayDeque::new);

    public TraceJobListener(Spans spans) {
        this.spans = spans;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        open.get()
                .push(spans.join(
                                "job " + execution.getJobInstance().getJobName(),
                                execution.getJobParameters().getString(PARAMETER))
                        .tag("orchard.job.execution", Long.toString(execution.getId())));
    }

    @Override
    public void afterJob(JobExecution execution) {
        close(
                !execution.getAllFailureExceptions().isEmpty()
                        ? execution.getAllFailureExceptions().get(0)
                        : null);
    }

    @Override
    public void beforeStep(StepExecution execution) {
        // a step on the job's thread is a child of the job's span; a partition elsewhere joins its trace
        Deque<Spans.Active> stack = open.get();
        String context = stack.isEmpty() ? execution.getJobParameters().getString(PARAMETER) : null;
        stack.push(spans.join("step " + execution.getStepName(), context)
                .tag("orchard.step.execution", Long.toString(execution.getId())));
    }

    @Override
    public ExitStatus afterStep(StepExecution execution) {
        close(
                execution.getFailureExceptions().isEmpty()
                        ? null
                        : execution.getFailureExceptions().get(0));
        return null;
    }

    private void close(Throwable failure) {
        Deque<Spans.Active> stack = open.get();
        Spans.Active active = stack.poll();
        if (active != null) {
            if (failure != null) {
                active.error(failure);
            }
            active.close();
        }
        if (stack.isEmpty()) {
            open.remove();
        }
    }
}
