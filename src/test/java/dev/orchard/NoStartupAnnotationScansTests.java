package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

/**
 * Annotation-driven transactions and scheduling are switched off ({@link OrchardApplication}):
 * their post-processors inspected every method of every bean at each start. A {@code
 * @Transactional} or {@code @Scheduled} in Orchard's code would silently do nothing, so no class may
 * carry one.
 */
class NoStartupAnnotationScansTests {

    private static final List<String> TRANSACTIONAL =
            List.of("org.springframework.transaction.annotation.Transactional", "jakarta.transaction.Transactional");

    private static final List<String> SCHEDULED = List.of(
            "org.springframework.scheduling.annotation.Scheduled",
            "org.springframework.scheduling.annotation.Schedules");

    @Test
    void noClassOfOrchardCarriesTransactional() throws IOException {
        assertThat(annotatedClasses(OrchardApplication.class, "dev/orchard/**/*.class", TRANSACTIONAL))
                .as("@Transactional has no effect in Orchard (TransactionAutoConfiguration is excluded); "
                        + "use TransactionTemplate")
                .isEmpty();
    }

    @Test
    void noClassOfOrchardCarriesScheduled() throws IOException {
        assertThat(annotatedClasses(OrchardApplication.class, "dev/orchard/**/*.class", SCHEDULED))
                .as("@Scheduled has no effect in Orchard (no @EnableScheduling); use PeriodicTasks")
                .isEmpty();
    }

    @Test
    void theScanFindsAnnotatedMethods() throws IOException {
        // the checks above must be able to fail: this test's fixtures (test classes) carry them
        String fixtures = "dev/orchard/NoStartupAnnotationScansTests*.class";
        assertThat(annotatedClasses(NoStartupAnnotationScansTests.class, fixtures, TRANSACTIONAL))
                .containsExactly(TransactionalFixture.class.getName());
        assertThat(annotatedClasses(NoStartupAnnotationScansTests.class, fixtures, SCHEDULED))
                .containsExactly(ScheduledFixture.class.getName());
    }

    /** Classes under the class-path root that holds {@code anchor} whose class or methods carry one of {@code annotations}. */
    private static List<String> annotatedClasses(Class<?> anchor, String pattern, List<String> annotations)
            throws IOException {
        String root = anchor.getProtectionDomain().getCodeSource().getLocation().toString();
        SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory();
        List<String> found = new ArrayList<>();
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources(root + pattern)) {
            AnnotationMetadata metadata = readers.getMetadataReader(resource).getAnnotationMetadata();
            if (annotations.stream().anyMatch(a -> metadata.hasAnnotation(a) || metadata.hasAnnotatedMethods(a))) {
                found.add(metadata.getClassName());
            }
        }
        return found;
    }

    static class TransactionalFixture {

        @org.springframework.transaction.annotation.Transactional
        void write() {}
    }

    static class ScheduledFixture {

        @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 1000)
        void tick() {}
    }
}
