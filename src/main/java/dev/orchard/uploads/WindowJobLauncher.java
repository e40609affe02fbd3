package dev.orchard.uploads;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.dao.TransientDataAccessException;

/**
 * Runs one window as one {@code score-uploads} job execution, trying again a few times when the job
 * repository reports a transient conflict (replicas creating instances at once).
 *
 * @throws IllegalStateException (from {@link #accept}) when the job cannot be started
 */
final class WindowJobLauncher implements Consumer<UploadWindow> {

    private static final Logger log = LoggerFactory.getLogger(WindowJobLauncher.class);

    private final JobOperator jobOperator;
    private final Job windowJob;

    WindowJobLauncher(JobOperator jobOperator, Job windowJob) {
        this.jobOperator = jobOperator;
        this.windowJob = windowJob;
    }

    @Override
    public void accept(UploadWindow window) {
        JobExecution execution = start(window);
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            log.warn(
                    "window {} of {} object(s) ended {}: {}",
                    window.id(),
                    window.objects().size(),
                    execution.getStatus(),
                    execution.getAllFailureExceptions());
        }
    }

    private JobExecution start(UploadWindow window) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jobOperator.start(
                        windowJob,
                        new JobParametersBuilder()
                                .addString("window", window.id())
                                .addString("spec", window.spec().name())
                                .addLong("objects", (long) window.objects().size(), false)
                                .toJobParameters());
            } catch (RuntimeException e) {
                if (attempt == 3 || !isTransient(e)) {
                    throw e;
                }
                pause(50L * attempt);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start window " + window.id(), e);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a window", e);
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException) {
                return true;
            }
        }
        return false;
    }
}
