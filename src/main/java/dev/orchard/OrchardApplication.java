package dev.orchard;

import dev.orchard.system.CompilerPriority;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * Orchard: event-driven scoring and retraining worker for image classifiers.
 *
 * <p>Annotation-driven transactions are off ({@link TransactionAutoConfiguration} excluded): Orchard
 * demarcates transactions with {@code TransactionTemplate} and Spring Batch's own step transactions,
 * and the {@code @Transactional} advisor checked every method of every bean at each start for an
 * annotation nothing carries. {@code @Transactional} would have no effect here;
 * {@code NoStartupAnnotationScansTests} fails the build if one appears.
 *
 * <p>For the same reason there is no {@code @EnableScheduling}: periodic housekeeping registers with
 * {@link dev.orchard.system.PeriodicTasks}.
 *
 * <p>{@code main} first moves the JIT's C2 compiler threads to the lowest scheduling priority
 * ({@link CompilerPriority}): on two cores they would otherwise take one from start-up.
 */
@SpringBootApplication(exclude = TransactionAutoConfiguration.class)
@ConfigurationPropertiesScan
public class OrchardApplication {

    public static void main(String[] args) {
        CompilerPriority.lowerInBackground();
        SpringApplication application = new SpringApplication(OrchardApplication.class);
        application.addListeners(CompilerPriority.reportWhenReady());
        application.run(args);
    }
}
