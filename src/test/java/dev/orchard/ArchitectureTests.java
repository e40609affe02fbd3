package dev.orchard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package structure, kept by the build: no cycles between packages; triggers → dispatch →
 * features → registry, model, storage, with no exception; {@code system}, {@code model} and {@code
 * storage} free of the rest of Orchard.
 */
class ArchitectureTests {

    static final JavaClasses ORCHARD = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.orchard");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.orchard.(*)..").should().beFreeOfCycles().check(ORCHARD);
    }

    @Test
    void triggersLeadToDispatchAndDispatchToTheFeatures() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Application")
                .definedBy("dev.orchard")
                .layer("Triggers")
                .definedBy("dev.orchard.trigger..")
                .layer("Dispatch")
                .definedBy("dev.orchard.dispatch..")
                .layer("Features")
                .definedBy(
                        "dev.orchard.uploads..",
                        "dev.orchard.prefixscoring..",
                        "dev.orchard.retrain..",
                        "dev.orchard.training..",
                        "dev.orchard.serving..",
                        "dev.orchard.security..")
                .layer("Core")
                .definedBy("dev.orchard.registry..", "dev.orchard.model..", "dev.orchard.storage..")
                .layer("System")
                .definedBy("dev.orchard.system..")
                .whereLayer("Triggers")
                .mayOnlyBeAccessedByLayers("Application")
                .whereLayer("Dispatch")
                .mayOnlyBeAccessedByLayers("Application", "Triggers")
                .whereLayer("Features")
                .mayOnlyBeAccessedByLayers("Application", "Triggers", "Dispatch", "Features")
                .whereLayer("Core")
                .mayOnlyBeAccessedByLayers("Application", "Triggers", "Dispatch", "Features", "Core")
                .check(ORCHARD);
    }

    @Test
    void orchardReadsAndWritesJsonWithJacksonThreeOnly() {
        // Jackson 2's databind is on the class path for google-cloud-storage; one mapper family is ours
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson.databind..")
                .check(ORCHARD);
    }

    @Test
    void systemModelAndStorageUseNoOtherPackageOfOrchard() {
        for (String leaf : List.of("system", "model", "storage")) {
            String own = "dev.orchard." + leaf;
            noClasses()
                    .that()
                    .resideInAPackage(own + "..")
                    .should()
                    .dependOnClassesThat(DescribedPredicate.describe(
                            "another package of Orchard",
                            c -> c.getPackageName().startsWith("dev.orchard")
                                    && !(c.getPackageName().equals(own)
                                            || c.getPackageName().startsWith(own + "."))))
                    .check(ORCHARD);
        }
    }
}
