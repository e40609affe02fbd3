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
 * Annotation-driven transactions are switched off ({@link OrchardApplication}), so a
 * {@code @Transactional} in Orchard's code would silently do nothing: no class may carry one.
 */
class NoAnnotationDrivenTransactionsTests {

    private static final List<String> ANNOTATIONS =
            List.of("org.springframework.transaction.annotation.Transactional", "jakarta.transaction.Transactional");

    @Test
    void noClassOfOrchardCarriesTransactional() throws IOException {
        assertThat(transactionalClasses(OrchardApplication.class, "dev/orchard/**/*.class"))
                .as("@Transactional has no effect in Orchard (TransactionAutoConfiguration is excluded); "
                        + "use TransactionTemplate")
                .isEmpty();
    }

    @Test
    void theScanFindsAnnotatedMethods() throws IOException {
        // the check above must be able to fail: this test's fixture (a test class) carries one
        assertThat(transactionalClasses(
                        NoAnnotationDrivenTransactionsTests.class,
                        "dev/orchard/NoAnnotationDrivenTransactionsTests*.class"))
                .containsExactly(AnnotatedFixture.class.getName());
    }

    /** Classes under the class-path root that holds {@code anchor} whose class or methods are annotated. */
    private static List<String> transactionalClasses(Class<?> anchor, String pattern) throws IOException {
        String root = anchor.getProtectionDomain().getCodeSource().getLocation().toString();
        SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory();
        List<String> found = new ArrayList<>();
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources(root + pattern)) {
            AnnotationMetadata metadata = readers.getMetadataReader(resource).getAnnotationMetadata();
            if (ANNOTATIONS.stream().anyMatch(a -> metadata.hasAnnotation(a) || metadata.hasAnnotatedMethods(a))) {
                found.add(metadata.getClassName());
            }
        }
        return found;
    }

    static class AnnotatedFixture {

        @org.springframework.transaction.annotation.Transactional
        void write() {}
    }
}
