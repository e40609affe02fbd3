# Orchard worker image: build with the Maven wrapper, run on a slim JRE as a non-root user.
#   docker build -t orchard .
#   docker run -p 8080:8080 orchard            # embedded default (local store, H2) inside the container
# On Cloud Run the environment selects GCS, Pub/Sub and Cloud SQL (see infra/ and docs/deploy.md).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
# -Pspring-aot: Spring's bean definitions generated at build time for the Cloud Run settings (used
# only with -Dspring.aot.enabled=true, which infra/ sets; docs/decisions/0001-aot-cache-and-spring-aot.md). Another deployment
# shape: --build-arg AOT_ARGUMENTS=--orchard.storage.adapter=gcs,--orchard.pubsub.enabled=true,...
ARG AOT_PROFILES=gcp
ARG AOT_ARGUMENTS=--orchard.storage.adapter=gcs,--orchard.pubsub.enabled=true,--orchard.prefix-jobs.remote.enabled=true
# (extract names the application jar after its input: /layers/application/orchard.jar)
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q package -DskipTests -Dspotless.check.skip=true \
      -Pspring-aot "-Dorchard.aot.profiles=${AOT_PROFILES}" "-Dorchard.aot.arguments=${AOT_ARGUMENTS}" \
 && cp target/orchard-*.jar /orchard.jar \
 && java -Djarmode=tools -jar /orchard.jar extract --layers --destination /layers \
 && test -f /layers/application/orchard.jar
# TensorFlow's natives once: unpacked from their jar into /natives (the image's read-only
# /app/natives, loaded from java.library.path), and the 160 MB jar itself left out of the image.
# Nothing is unpacked at run time, so the worker needs no writable directory for native code.
RUN native=$(ls /layers/dependencies/lib/tensorflow-core-native-*-linux-x86_64.jar) \
 && mkdir /natives \
 && cd /natives && jar xf "$native" org/tensorflow/internal/c_api/linux-x86_64 \
 && mv org/tensorflow/internal/c_api/linux-x86_64/*.so* /natives/ && rm -r /natives/org \
 && test -s /natives/libtensorflow_cc.so.2 && test -s /natives/libjnitensorflow.so \
 && rm "$native"

# Java 25 at run time (the code targets 17): its ahead-of-time class cache (JEP 483/514) halves start-up.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 orchard \
 && useradd --system --uid 10001 --gid orchard --home-dir /app --shell /usr/sbin/nologin orchard
WORKDIR /app
# Layers from least to most often changed, so a code change re-ships only the last one.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY jobs/ ./jobs/
# root-owned and not writable by the worker: native code is loaded only from here
COPY --from=build /natives/ /app/natives/

RUN mkdir -p /app/cds /app/orchard-data && chown orchard:orchard /app/cds /app/orchard-data
USER orchard:orchard

# The same options for the training run below and for every start: an AOT cache is only used by a
# JVM started like the one that made it (same JDK, same class path — hence the absolute jar path).
# 4 MB G1 regions: a decoded 224x224x3 image (600 KB of floats) is not a humongous object.
# JavaCPP loads TensorFlow's natives from /app/natives (pathsFirst) and copies nothing anywhere;
# gRPC's Netty (Pub/Sub, Cloud Monitoring) uses Java NIO rather than unpacking its epoll library
# into /tmp: no native code is loaded from a directory the worker can write.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:G1HeapRegionSize=4m -XX:+ExitOnOutOfMemoryError -Djava.library.path=/app/natives -Dorg.bytedeco.javacpp.pathsFirst=true -Dorg.bytedeco.javacpp.cacheLibraries=false -Dio.grpc.netty.shaded.io.netty.transport.noNative=true"

# The natives load from there, as the run-time user, before anything else is built on them.
RUN java -cp /app/orchard.jar dev.orchard.system.NativeWarmup
# Drawing a training report's confusion.png loads fonts; fontconfig keeps its cache under
# $XDG_CACHE_HOME and, with none writable for this user (home /app is root's), printed
# "Fontconfig error: No writable cache directories" to stderr at every training run.
ENV XDG_CACHE_HOME=/tmp/.cache

# Ahead-of-time cache (classes loaded and linked, and profiles, ready at the next start; docs/
# decisions/0001-aot-cache-and-spring-aot.md) from a training run: AotTrainingRun starts the worker on a scratch directory, where it
# trains the sample model, becomes ready, answers readiness, the model's status and one :classify,
# makes a small SavedModel (trained in a child JVM) the champion of a second model and asks it once,
# scores a prefix of 1,024 images with it (sample PNGs and JPEGs, colour photos), and stops — start-up, model loading (Tribuo and
# TensorFlow), the first requests and the first prefix job all in the cache. It exits 1 with the
# reason on any failure (a bad jobs/ spec, never ready, a failed job), which fails the build. -cp is
# the same class path as the ENTRYPOINT's -jar, so the cache is accepted.
# It runs on the embedded default; AOT_TRAINING_ARGUMENTS (space-separated worker arguments) trains
# it in the deployed shape instead — Pub/Sub, PostgreSQL — when those are reachable from the build
# (docker build --network host, emulator and database on the host), so their client classes are in
# the cache too (docs/performance.md, "Start-up": about 1 s of such a start). .ci/build-image.sh does that. The
# value shows in the image's history: build-time stand-ins only, never real credentials.
ARG AOT_TRAINING_ARGUMENTS=""
RUN java -XX:AOTCacheOutput=/app/cds/orchard.aot -cp /app/orchard.jar dev.orchard.AotTrainingRun \
      --server.port=0 --orchard.storage.local.root=/tmp/cds-training \
      --orchard.registry.work-dir=/tmp/cds-training/work --server.tomcat.basedir=/tmp/cds-training/tomcat \
      ${AOT_TRAINING_ARGUMENTS} \
 && test -s /app/cds/orchard.aot \
 && rm -rf /tmp/cds-training /tmp/hsperfdata_orchard

# The ENTRYPOINT leaves Spring AOT off, so the image also runs the embedded default (docker run
# above); Cloud Run adds -Dspring.aot.enabled=true (JDK_JAVA_OPTIONS, infra/run.tf), and a start
# whose settings differ from the ones the build fixed is refused with the reason (FrozenConditions).
# It starts through the base image's own entrypoint, which execs java: USE_SYSTEM_CA_CERTS=1 (and
# certificates mounted at /certificates/*.crt) then adds a private CA to the JVM's trust store, as on
# any eclipse-temurin image (docs/operations.md, "Troubleshooting").
EXPOSE 8080
ENTRYPOINT ["/__cacert_entrypoint.sh", "java", "-XX:AOTCache=/app/cds/orchard.aot", "-jar", "/app/orchard.jar"]
