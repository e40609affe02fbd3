package dev.orchard.trigger;

import dev.orchard.dispatch.JobDispatcher;
import dev.orchard.dispatch.JobSpecs;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.LocalBlobStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the directory watcher once start-up (including the sample-model bootstrap) is done. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression(
        "'${orchard.storage.adapter:local}'.equalsIgnoreCase('local') and ${orchard.trigger.local.enabled:true}")
class LocalTriggerConfiguration {

    @Bean(destroyMethod = "stop")
    UploadDirectoryWatcher uploadDirectoryWatcher(
            BlobStore store,
            JobSpecs specs,
            JobDispatcher dispatcher,
            LocalTriggerProperties properties,
            ObjectProvider<Clock> clock,
            dev.orchard.system.Spans spans) {
        return new UploadDirectoryWatcher(
                (LocalBlobStore) dev.orchard.storage.TracedBlobStore.unwrap(store),
                specs,
                dispatcher,
                properties,
                clock.getIfAvailable(Clock::systemUTC),
                spans);
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> startUploadWatcher(UploadDirectoryWatcher watcher) {
        return event -> watcher.start();
    }
}
