package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.mock.env.MockEnvironment;

class FrozenConditionsTests {

    /** The beans of the embedded default: local watcher, bootstrap, stale recovery; no Pub/Sub. */
    private static DefaultListableBeanFactory embeddedDefaultBeans() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        for (String name : new String[] {"uploadDirectoryWatcher", "sampleModelBootstrap", "staleExecutionRecovery"}) {
            beans.registerBeanDefinition(name, new RootBeanDefinition(Object.class));
        }
        return beans;
    }

    @Test
    void settingsThatMatchTheBeansStart() {
        var beans = embeddedDefaultBeans();
        var check = new FrozenConditions(new MockEnvironment(), true);

        assertThat(check.mismatches(beans)).isEmpty();
        assertThatNoException().isThrownBy(() -> check.postProcessBeanFactory(beans));
    }

    @Test
    void aBuildFixedForOtherSettingsRefusesToStartAndSaysWhy() {
        MockEnvironment cloud = new MockEnvironment()
                .withProperty("orchard.storage.adapter", "gcs")
                .withProperty("orchard.pubsub.enabled", "true");
        var beans = embeddedDefaultBeans();
        var check = new FrozenConditions(cloud, true);

        assertThat(check.mismatches(beans))
                .containsExactly(
                        "orchard.pubsub.enabled=true but there is no 'pubSubTrigger'",
                        "not orchard.storage.adapter=local and orchard.trigger.local.enabled=true"
                                + " but there is a 'uploadDirectoryWatcher'");
        assertThatIllegalStateException()
                .isThrownBy(() -> check.postProcessBeanFactory(beans))
                .withMessageContaining("fixed at build time (Spring AOT")
                .withMessageContaining("Start without -Dspring.aot.enabled=true")
                .withMessageContaining("no 'pubSubTrigger'");
    }

    @Test
    void anEmulatorHostOnABuildForRealPubSubIsRefused() {
        DefaultListableBeanFactory beans = embeddedDefaultBeans();
        beans.registerBeanDefinition("pubSubTrigger", new RootBeanDefinition(Object.class));
        RootBeanDefinition realPubSub = new RootBeanDefinition(Object.class); // same name, not the emulator's
        realPubSub.setFactoryBeanName("com.google.cloud.spring.autoconfigure.pubsub.GcpPubSubAutoConfiguration");
        beans.registerBeanDefinition("subscriberTransportChannelProvider", realPubSub);
        MockEnvironment emulator = new MockEnvironment()
                .withProperty("orchard.pubsub.enabled", "true")
                .withProperty("spring.cloud.gcp.pubsub.emulator-host", "localhost:8085");

        assertThat(new FrozenConditions(emulator, true).mismatches(beans))
                .containsExactly(
                        "spring.cloud.gcp.pubsub.emulator-host set (with orchard.pubsub.enabled=true)"
                                + " but there is no 'subscriberTransportChannelProvider' from GcpPubSubEmulatorAutoConfiguration");
    }

    @Test
    void withoutSpringAotAMismatchIsOrchardsBugNotTheSettings() {
        var beans = embeddedDefaultBeans();
        var check =
                new FrozenConditions(new MockEnvironment().withProperty("orchard.bootstrap.enabled", "false"), false);

        assertThatIllegalStateException()
                .isThrownBy(() -> check.postProcessBeanFactory(beans))
                .withMessageContaining("a bug in Orchard")
                .withMessageContaining("not orchard.bootstrap.enabled=true but there is a 'sampleModelBootstrap'");
    }
}
