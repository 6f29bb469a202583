package io.scopeline.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The query service: reads persisted reports through the cache tiers and answers the Scope UI API. */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.scopeline.query", "io.scopeline.service"})
public class QueryApplication {
  public static void main(String[] args) {
    SpringApplication.run(QueryApplication.class, args);
  }
}
