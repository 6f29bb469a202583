# Scopeline ingest-service image, built from the repository root:
#   docker build -f docker/ingest.Dockerfile -t scopeline/ingest-service .
# Build stage: the Maven wrapper builds the service and Spring Boot splits its jar into layers,
# so a code change rebuilds only the small application layer.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -pl ingest-service -am -DskipTests package \
 && java -Djarmode=tools -jar ingest-service/target/ingest-service-*-exec.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre
# A fixed non-root user (runAsNonRoot in Kubernetes checks the numeric id).
RUN useradd --system --uid 10001 --no-create-home scopeline
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER 10001
EXPOSE 4040
# Health and metrics (management.server.port).
EXPOSE 4140
# The heap follows the container's memory limit; an OutOfMemoryError restarts the container.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
