package io.scopeline.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.query.api.ApiRequests;
import io.scopeline.query.api.ProbeStatusTable;
import io.scopeline.query.api.TopologyApi;
import io.scopeline.query.api.TopologySocket;
import io.scopeline.query.control.ControlApi;
import io.scopeline.service.control.ControlConfiguration;
import io.scopeline.service.control.ControlRouter;
import io.scopeline.service.control.PipeRouter;
import io.scopeline.service.control.TenantOfRequest;
import io.scopeline.query.live.Announcements;
import io.scopeline.query.live.FrameStreams;
import io.scopeline.query.live.BackgroundWork;
import io.scopeline.query.live.LatestBodies;
import io.scopeline.query.live.LiveWindows;
import io.scopeline.query.live.TopologyViews;
import io.scopeline.query.peers.PeerClient;
import io.scopeline.query.peers.PeerEndpoint;
import io.scopeline.query.peers.PeerProperties;
import io.scopeline.query.peers.PeerRing;
import io.scopeline.query.read.RecentHotCopies;
import reactor.core.publisher.Flux;
import java.util.Map;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.WebFilter;
import io.scopeline.query.api.ScopeApi;
import io.scopeline.query.read.WindowReader;
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
@Import({StorageClients.class, ControlConfiguration.class})
public class QueryConfiguration {

  /** Decoding and encoding are CPU work: a bounded pool, one thread per core. */
  @Bean(destroyMethod = "dispose")
  Scheduler codecScheduler() {
    return Schedulers.newParallel("scopeline-codec", Runtime.getRuntime().availableProcessors());
  }

  @Bean
  QuantumIndex quantumIndex(DynamoDbAsyncClient dynamo, StorageProperties storage) {
    return new QuantumIndex(dynamo, storage.dynamodb().table(), storage.requestTimeout().multipliedBy(3));
  }

  @Bean(destroyMethod = "close")
  LazyRedis redis(StorageProperties storage) {
    return new LazyRedis(storage);
  }

  @Bean
  TieredReports tieredReports(QueryProperties props, StorageProperties storage, S3AsyncClient s3, LazyRedis redis,
      Scheduler codecScheduler, MeterRegistry meters, PeerProperties peerProps) {
    if (!peerProps.enabled()) {
      return new TieredReports(props, storage, s3, redis, codecScheduler, meters);
    }
    if (peerProps.secret().isBlank()) {
      org.slf4j.LoggerFactory.getLogger(QueryConfiguration.class).warn("Peering without scopeline.query.peers.secret:"
          + " anyone who reaches {} can read any tenant's stored quanta by key", PeerEndpoint.PATH);
    }
    PeerRing ring = new PeerRing(peerProps);
    if (!peerProps.dnsName().isBlank()) {
      Flux.interval(peerProps.refresh()).subscribe(t -> ring.refresh());
    }
    return new TieredReports(props, storage, s3, redis, codecScheduler, meters, ring, new PeerClient(peerProps));
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  LiveWindows liveWindows(QuantumIndex index, TieredReports reports, LazyRedis redis, LazyRedis notificationRedis,
      Scheduler codecScheduler, BackgroundWork work, QueryProperties props, MeterRegistry meters) {
    return new LiveWindows(index, new RecentHotCopies(redis, meters), reports, new Announcements(notificationRedis),
        codecScheduler, work, props, meters);
  }

  @Bean
  WindowReader windowReader(QuantumIndex index, TieredReports reports, LiveWindows live, QueryProperties props) {
    return new WindowReader(index, reports, live, props);
  }

  @Bean
  ApiRequests apiRequests(QueryProperties props) {
    return new ApiRequests(props);
  }

  @Bean
  TopologyViews topologyViews(QueryProperties props) {
    return new TopologyViews(props.windowCacheMaxNodes());
  }

  @Bean
  ScopeApi scopeApi(ApiRequests requests, WindowReader windows, LazyRedis redis, Scheduler codecScheduler,
      ScopeAppInfo app, QueryProperties props) {
    return new ScopeApi(requests, windows, new ProbeStatusTable(redis), codecScheduler, app, props.history());
  }

  /** Control and pipe sockets take the tenant as every API request does. */
  @Bean
  TenantOfRequest queryTenants(ApiRequests requests) {
    return requests::tenant;
  }

  @Bean
  ControlApi controlApi(ApiRequests requests, ControlRouter controls, PipeRouter pipes) {
    return new ControlApi(requests, controls, pipes);
  }

  /** Window versions and renders of live views, off the request path, on a thread of their own. */
  @Bean(destroyMethod = "close")
  BackgroundWork liveBackgroundWork() {
    return new BackgroundWork("scopeline-live");
  }

  @Bean
  LatestBodies latestBodies(MeterRegistry meters, BackgroundWork work) {
    return new LatestBodies(meters, work);
  }

  @Bean
  TopologyApi topologyApi(ApiRequests requests, WindowReader windows, TopologyViews views, LatestBodies latestBodies,
      Scheduler codecScheduler) {
    return new TopologyApi(requests, windows, views, latestBodies, codecScheduler);
  }

  @Bean
  RouterFunction<ServerResponse> scopeRoutes(ScopeApi api, TopologyApi topologies, TieredReports reports,
      ControlApi controls, PeerProperties peers) {
    RouterFunctions.Builder routes = RouterFunctions.route();
    if (peers.enabled()) {
      // Without peers no one has a reason to ask, so the endpoint does not exist.
      routes.GET(PeerEndpoint.PATH, new PeerEndpoint(reports, peers.secret())::quantum);
    }
    return routes
        .GET("/api", api::api)
        .GET("/api/report", api::report)
        .GET("/api/probes", api::probes)
        .GET("/api/history", api::history)
        .GET("/api/topology", topologies::topologies)
        .GET("/api/lookup", topologies::lookup)
        .GET("/api/topology/{name}", topologies::topology)
        // Before the node route: a node whose id is "diff", "edges" or "export" is not reachable by
        // its details URL.
        .GET("/api/topology/{name}/diff", topologies::diff)
        .GET("/api/topology/{name}/edges", topologies::edges)
        .GET("/api/topology/{name}/export", topologies::export)
        .GET("/api/topology/{name}/{id}/neighbours", topologies::neighbours)
        .GET("/api/topology/{name}/{*id}", topologies::node)
        .POST("/api/control/{probeID}/{nodeID}/{control}", controls::control)
        .GET("/api/pipe/{pipeID}/check", controls::checkPipe)
        .DELETE("/api/pipe/{pipeID}", controls::deletePipe)
        .POST("/api/pipe/{pipeID}", controls::deletePipe)
        .build();
  }

  @Bean(destroyMethod = "close")
  LazyRedis notificationRedis(StorageProperties storage) {
    return new LazyRedis(storage);
  }

  @Bean
  FrameStreams frameStreams(LiveWindows live, TopologyViews views, MeterRegistry meters) {
    return new FrameStreams(live, views, meters);
  }

  @Bean
  TopologySocket topologySocket(ApiRequests requests, WindowReader windows, TopologyViews views, FrameStreams streams,
      Scheduler codecScheduler, QueryProperties props, MeterRegistry meters) {
    return new TopologySocket(requests, windows, views, streams, codecScheduler, props, meters);
  }

  /** Ahead of the router, so {@code /api/topology/x/ws} is the socket, not a node called "ws". */
  @Bean
  HandlerMapping topologySocketMapping(TopologySocket socket) {
    return new SimpleUrlHandlerMapping(Map.of("/api/topology/*/ws", socket), -2);
  }

  @Bean
  WebFilter topologySocketValidator(TopologySocket socket) {
    return socket.validator();
  }
}
