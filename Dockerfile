# syntax=docker/dockerfile:1
# Orchard worker image: build with the Maven wrapper, run on a slim JRE as a non-root user.
#   docker build -t orchard .
#   docker run -p 8080:8080 orchard            # embedded default (local store, H2) inside the container
# On Cloud Run the environment selects GCS, Pub/Sub and Cloud SQL (see infra/ and the README).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q package -DskipTests -Dspotless.check.skip=true \
 && cp target/orchard-*.jar /orchard.jar \
 && java -Djarmode=tools -jar /orchard.jar extract --layers --destination /layers \
 && mv /layers/application/orchard-*.jar /layers/application/orchard.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 orchard \
 && useradd --system --uid 10001 --gid orchard --home-dir /app --shell /usr/sbin/nologin orchard
WORKDIR /app
# Layers from least to most often changed, so a code change re-ships only the last one.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY jobs/ ./jobs/

RUN mkdir -p /app/javacpp /app/cds /app/orchard-data && chown orchard:orchard /app/javacpp /app/cds /app/orchard-data
USER orchard:orchard

# TensorFlow's natives (~650 MB) are unpacked here at build time, not at every container start
# (as the run-time user: JavaCPP takes a lock file in its cache directory).
RUN java -Dorg.bytedeco.javacpp.cachedir=/app/javacpp -cp orchard.jar dev.orchard.system.NativeWarmup

# Class data sharing archive from a training start (context refresh, then exit): start-up reads
# the JDK's and Spring's classes pre-parsed (see the README's start-up figures).
RUN (java -XX:ArchiveClassesAtExit=/app/cds/orchard.jsa -Dspring.context.exit=onRefresh \
      -Dorg.bytedeco.javacpp.cachedir=/app/javacpp -jar orchard.jar \
      --orchard.storage.local.root=/tmp/cds-training --orchard.bootstrap.enabled=false || true) \
 && test -s /app/cds/orchard.jsa \
 && rm -rf /tmp/cds-training

# 4 MB G1 regions: a decoded 224x224x3 image (600 KB of floats) is not a humongous object (README: prefix-job figures).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:G1HeapRegionSize=4m -XX:+ExitOnOutOfMemoryError -Dorg.bytedeco.javacpp.cachedir=/app/javacpp"
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/cds/orchard.jsa", "-Xshare:auto", "-jar", "/app/orchard.jar"]
