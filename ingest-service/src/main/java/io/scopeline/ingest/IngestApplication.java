package io.scopeline.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The ingest service: Kafka → per-tenant quanta → S3, Redis and DynamoDB, plus the probe HTTP bridge. */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.scopeline.ingest", "io.scopeline.service"})
public class IngestApplication {
  public static void main(String[] args) {
    SpringApplication.run(IngestApplication.class, args);
  }
}
