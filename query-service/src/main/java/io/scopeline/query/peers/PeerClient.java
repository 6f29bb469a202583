package io.scopeline.query.peers;

import io.netty.channel.ChannelOption;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Asks the owning replica for a quantum's stored bytes ({@code GET /internal/quantum}). */
public final class PeerClient {
  private final HttpClient http;
  private final PeerProperties props;

  public PeerClient(PeerProperties props) {
    this.props = props;
    this.http = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500).responseTimeout(props.timeout());
  }

  /** The quantum's gzip msgpack bytes from {@code peer}; empty when the peer does not have it. */
  public Mono<byte[]> fetch(String peer, String tenant, String objectKey) {
    String uri = peer + PeerEndpoint.PATH + "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "&key="
        + URLEncoder.encode(objectKey, StandardCharsets.UTF_8);
    HttpClient client = props.secret().isEmpty() ? http
        : http.headers(h -> h.set(PeerProperties.SECRET_HEADER, props.secret()));
    return client.get().uri(uri).responseSingle((response, body) -> {
      int status = response.status().code();
      if (status == 404) {
        return Mono.empty();
      }
      if (status != 200) {
        return Mono.error(new IllegalStateException("peer " + peer + " answered " + status));
      }
      return body.asByteArray();
    }).timeout(props.timeout());
  }
}
