package io.scopeline.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.query.api.ProbeStatusTable;
import io.scopeline.query.api.ScopeApi;
import io.scopeline.query.api.WindowReader;
import io.scopeline.query.read.QuantumIndex;
import io.scopeline.query.read.TieredReports;
import io.scopeline.service.ScopeAppInfo;
import io.scopeline.service.storage.StorageClients;
import io.scopeline.service.storage.LazyRedis;
import io.scopeline.service.storage.StorageProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Wires the query service; no logic lives here. */
@Configuration(proxyBeanMethods = false)
@Import(StorageClients.class)
public class QueryConfiguration {

  /** Decoding and encoding are CPU work: a bounded pool, one thread per core. */
  @Bean(destroyMethod = "dispose")
  Scheduler codecScheduler() {
    return Schedulers.newParallel("scopeline-codec", Runtime.getRuntime().availableProcessors());
  }

  @Bean
  QuantumIndex quantumIndex(DynamoDbAsyncClient dynamo, StorageProperties storage) {
    return new QuantumIndex(dynamo, storage.dynamodb().table());
  }

  @Bean(destroyMethod = "close")
  LazyRedis redis(StorageProperties storage) {
    return new LazyRedis(storage);
  }

  @Bean
  TieredReports tieredReports(QueryProperties props, StorageProperties storage, S3AsyncClient s3, LazyRedis redis,
      Scheduler codecScheduler, MeterRegistry meters) {
    return new TieredReports(props, storage, s3, redis, codecScheduler, meters);
  }

  @Bean
  WindowReader windowReader(QuantumIndex index, TieredReports reports, QueryProperties props, MeterRegistry meters) {
    return new WindowReader(index, reports, props, meters);
  }

  @Bean
  ScopeApi scopeApi(WindowReader windows, LazyRedis redis, QueryProperties props, Scheduler codecScheduler) {
    return new ScopeApi(windows, new ProbeStatusTable(redis), props, codecScheduler, ScopeAppInfo.forThisInstance());
  }

  @Bean
  RouterFunction<ServerResponse> scopeRoutes(ScopeApi api) {
    return RouterFunctions.route()
        .GET("/api", api::api)
        .GET("/api/report", api::report)
        .GET("/api/probes", api::probes)
        .build();
  }
}
