package dev.orchard.system;

import java.util.List;
import java.util.function.Predicate;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Refuses to start when the beans that exist disagree with the settings that choose them.
 *
 * <p>Normally Spring evaluates those conditions at every start, and they agree by construction (so
 * every test context checks that the switches below mirror the real conditions). With Spring AOT
 * ({@code -Dspring.aot.enabled=true} on a jar built with {@code -Pspring-aot}) the bean set was
 * fixed when the jar was built: a worker started with other settings would otherwise run silently
 * without its Pub/Sub subscribers, with a directory watcher on a Cloud Storage deployment, or
 * against real Pub/Sub instead of an emulator (or fail half-way with a confusing error about
 * missing credentials). Checks the bean definitions, before any bean is created.
 */
@Component
public class FrozenConditions implements BeanFactoryPostProcessor, EnvironmentAware {

    /**
     * A setting (or combination) and the bean that exists exactly when it is on ({@code
     * declaredBy}: the configuration that must have declared it, when another one declares the
     * same name otherwise; null when any will do).
     */
    record Switch(String setting, Predicate<Environment> on, String bean, String declaredBy) {

        Switch(String setting, Predicate<Environment> on, String bean) {
            this(setting, on, bean, null);
        }

        String describe() {
            return "'" + bean + "'"
                    + (declaredBy == null ? "" : " from " + declaredBy.substring(declaredBy.lastIndexOf('.') + 1));
        }

        boolean present(ConfigurableListableBeanFactory beans) {
            return beans.containsBeanDefinition(bean)
                    && (declaredBy == null
                            || declaredBy.equals(beans.getBeanDefinition(bean).getFactoryBeanName()));
        }
    }

    static final List<Switch> SWITCHES = List.of(
            new Switch("orchard.pubsub.enabled=true", FrozenConditions::pubSub, "pubSubTrigger"),
            new Switch(
                    "orchard.pubsub.enabled=true and orchard.prefix-jobs.remote.enabled=true",
                    env -> pubSub(env) && flag(env, "orchard.prefix-jobs.remote.enabled", false),
                    "partitionRequestListener"),
            new Switch(
                    "orchard.bootstrap.enabled=true",
                    env -> flag(env, "orchard.bootstrap.enabled", true),
                    "sampleModelBootstrap"),
            new Switch(
                    "orchard.storage.adapter=local and orchard.trigger.local.enabled=true",
                    env -> "local".equalsIgnoreCase(env.getProperty("orchard.storage.adapter", "local"))
                            && flag(env, "orchard.trigger.local.enabled", true),
                    "uploadDirectoryWatcher"),
            new Switch(
                    "orchard.batch.recover-stale=true",
                    env -> flag(env, "orchard.batch.recover-stale", true),
                    "staleExecutionRecovery"),
            new Switch(
                    "spring.cloud.gcp.pubsub.emulator-host set (with orchard.pubsub.enabled=true)",
                    env -> pubSub(env) && StringUtils.hasText(env.getProperty("spring.cloud.gcp.pubsub.emulator-host")),
                    "subscriberTransportChannelProvider",
                    "com.google.cloud.spring.autoconfigure.pubsub.GcpPubSubEmulatorAutoConfiguration"),
            new Switch(
                    "spring.cloud.gcp.pubsub.health.lagThreshold and backlogThreshold set (the gcp profile)",
                    env -> env.containsProperty("spring.cloud.gcp.pubsub.health.lagThreshold")
                            && env.containsProperty("spring.cloud.gcp.pubsub.health.backlogThreshold")
                            && flag(
                                    env,
                                    "management.health.pubsub-subscriber.enabled",
                                    flag(env, "management.health.defaults.enabled", true)),
                    "pubSubSubscriptionHealthIndicator"));

    private final boolean frozen;
    private Environment environment;

    public FrozenConditions() {
        this.frozen = AotDetector.useGeneratedArtifacts();
    }

    FrozenConditions(Environment environment, boolean frozen) {
        this.environment = environment;
        this.frozen = frozen;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beans) {
        List<String> mismatches = mismatches(beans);
        if (mismatches.isEmpty()) {
            return;
        }
        String listed = String.join("; ", mismatches);
        if (frozen) {
            throw new IllegalStateException(
                    "this jar's beans were fixed at build time (Spring AOT,"
                            + " -Dspring.aot.enabled=true) for other settings than this start's: " + listed
                            + ". Start without -Dspring.aot.enabled=true, or build with -Pspring-aot"
                            + " -Dorchard.aot.arguments=... for these settings (docs/decisions/0001-aot-cache-and-spring-aot.md).");
        }
        throw new IllegalStateException("FrozenConditions no longer mirrors the conditions it checks"
                + " (a bug in Orchard, not in the settings): " + listed);
    }

    /** One line per switch whose bean exists while its setting is off, or the other way round. */
    List<String> mismatches(ConfigurableListableBeanFactory beans) {
        return SWITCHES.stream()
                .filter(s -> s.on().test(environment) != s.present(beans))
                .map(s -> s.on().test(environment)
                        ? s.setting() + " but there is no " + s.describe()
                        : "not " + s.setting() + " but there is a " + s.describe())
                .toList();
    }

    private static boolean pubSub(Environment env) {
        return flag(env, "orchard.pubsub.enabled", false);
    }

    private static boolean flag(Environment env, String name, boolean otherwise) {
        return env.getProperty(name, Boolean.class, otherwise);
    }
}
