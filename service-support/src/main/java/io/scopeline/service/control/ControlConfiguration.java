package io.scopeline.service.control;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.service.ScopeAppInfo;
import io.scopeline.service.storage.LazyRedis;
import io.scopeline.service.storage.StorageProperties;
import io.scopeline.service.web.BrowserSecurity;
import org.springframework.context.annotation.Import;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.WebFilter;

/**
 * The control and pipe sockets, and the guard against requests from other web pages, wired the
 * same in both services (and once in the standalone, which imports both): a probe pointed at the ingest service opens its sockets there, a browser
 * talks to the query service, and Redis joins them. Each service provides the
 * {@link TenantOfRequest} that says whose a socket is.
 */
@Configuration(proxyBeanMethods = false)
@Import(BrowserSecurity.class)
public class ControlConfiguration {

  /** The app id {@code GET /api} answers and control requests carry (shared by all replicas when configured). */
  @Bean
  ScopeAppInfo scopeAppInfo(ControlProperties props) {
    return ScopeAppInfo.withId(props.appId());
  }

  /** Commands, the one subscription, and a connection per open pipe end for its blocking reads. */
  @Bean(destroyMethod = "close")
  LazyRedis controlRedis(StorageProperties storage) {
    return new LazyRedis(storage);
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  ControlRouter controlRouter(LazyRedis controlRedis, ScopeAppInfo app, ControlProperties props,
      MeterRegistry meters) {
    return new ControlRouter(controlRedis, app.id(), props, meters);
  }

  @Bean
  PipeRouter pipeRouter(LazyRedis controlRedis, ControlProperties props) {
    return new PipeRouter(controlRedis, props);
  }

  @Bean
  ProbeControlSocket probeControlSocket(TenantOfRequest tenants, ControlRouter router, ControlProperties props) {
    return new ProbeControlSocket(tenants, router, props.pingInterval());
  }

  @Bean
  PipeSocket pipeSocket(TenantOfRequest tenants, PipeRouter pipes, ControlProperties props) {
    return new PipeSocket(tenants, pipes, props.pingInterval());
  }

  /**
   * After the services' routers (order -1), which answer {@code DELETE|POST /api/pipe/{id}} and the
   * pipe check; a GET of a pipe or of the control socket path is left for the sockets.
   */
  @Bean
  HandlerMapping controlSocketMapping(ProbeControlSocket probes, PipeSocket pipes) {
    return new SimpleUrlHandlerMapping(
        Map.of(ProbeControlSocket.PATH, probes, "/api/pipe/*", pipes, "/api/pipe/*/probe", pipes), 0);
  }

  @Bean
  WebFilter probeControlSocketValidator(ProbeControlSocket socket) {
    return socket.validator();
  }

  @Bean
  WebFilter pipeSocketValidator(PipeSocket socket) {
    return socket.validator();
  }

}
