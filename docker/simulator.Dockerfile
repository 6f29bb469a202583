# Scopeline probe simulator image, built from the repository root:
#   docker build -f docker/simulator.Dockerfile -t scopeline/simulator .
# Arguments are the simulator's (--kafka=... or --http=..., --tenants, --probes, ...).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -pl probe-simulator -am -DskipTests package \
 && ./mvnw -q -B -pl probe-simulator dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp probe-simulator/target/probe-simulator-*.jar /app/lib/

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home scopeline
COPY --from=build /app/lib /app/lib
USER 10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.scopeline.simulator.Simulator"]
