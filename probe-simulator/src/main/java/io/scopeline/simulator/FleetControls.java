package io.scopeline.simulator;

import io.scopeline.codec.WireHeaders;
import io.scopeline.control.ControlWire;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every probe of a fleet holding a control socket to the app, carrying out what the UI asks: start,
 * stop and restart change the simulated containers, and exec opens a pipe to {@code execCommand}
 * (run on this machine, one process per terminal).
 */
public final class FleetControls implements AutoCloseable {
  /** A terminal that only shows back what is typed: safe to offer to anyone who reaches the UI. */
  public static final List<String> ECHO_TERMINAL = List.of("/bin/sh", "-c",
      "echo 'Simulated container: this terminal shows back what you type (a real shell needs --demo-shell).'; "
          + "exec cat");
  /** A real shell on this machine. */
  public static final List<String> REAL_SHELL = List.of("/bin/sh", "-i");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ProbeControlClient> clients = new ArrayList<>();

  public FleetControls(ProbeFleet fleet, URI app, List<String> execCommand) {
    for (ProbeFleet.Member m : fleet.members()) {
      Map<String, String> headers = Map.of(WireHeaders.ORG_ID, m.tenant());
      SimulatedProbe probe = m.probe();
      clients.add(new ProbeControlClient(http, app, probe.probeId(), headers, request -> {
        if (SimulatedProbe.EXEC_CONTAINER.equals(request.control())
            || SimulatedProbe.HOST_EXEC.equals(request.control())) {
          if (!probe.canExec(request.nodeId())) {
            return ControlWire.Response.failure("cannot exec in " + request.nodeId() + ": not running here");
          }
          String pipeId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
          try {
            ShellPipe.open(http, app, pipeId, headers, execCommand).get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            return ControlWire.Response.failure("could not open a terminal: " + e);
          }
          return ControlWire.Response.ofPipe(pipeId, false, null);
        }
        return probe.control(request, System.currentTimeMillis() * 1_000_000L);
      }, Duration.ofSeconds(2)));
    }
  }

  /** Opens every probe's control socket (each keeps reconnecting until closed). */
  public FleetControls start() {
    clients.forEach(ProbeControlClient::start);
    return this;
  }

  /** How many probes have their control socket open now. */
  public long connected() {
    return clients.stream().filter(ProbeControlClient::connected).count();
  }

  @Override
  public void close() {
    clients.forEach(ProbeControlClient::close);
  }
}
