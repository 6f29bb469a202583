package io.scopeline.standalone;

import io.scopeline.ingest.config.IngestConfiguration;
import io.scopeline.query.QueryConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The ingest and query services in one Spring context, so one HTTP port serves probes and browsers. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({IngestConfiguration.class, QueryConfiguration.class})
@ConfigurationPropertiesScan({"io.scopeline.ingest", "io.scopeline.query", "io.scopeline.service"})
public class StandaloneApplication {}
