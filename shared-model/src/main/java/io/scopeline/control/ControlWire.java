package io.scopeline.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scope's control protocol on the probe's control WebSocket ({@code /api/control/ws}): the app is
 * a Go net/rpc client and the probe its server, and every call and every reply is two JSON text
 * frames, a header and then the value. Used by the app side and by the simulated probe alike.
 */
public final class ControlWire {
  /** The header a probe names itself with when it opens its control socket. */
  public static final String PROBE_ID_HEADER = "X-Scope-Probe-ID";
  /** The only RPC method Scope's app calls. */
  public static final String METHOD = "control.Handle";

  /** Go omits false and empty fields, so absent means false or null here. */
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

  private ControlWire() {}

  /** What the UI asks a probe to do to one of its nodes (Go's {@code xfer.Request}, which has no JSON tags). */
  public record Request(
      @JsonProperty("AppID") String appId,
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("Control") String control,
      @JsonProperty("ControlArgs") Map<String, String> args) {}

  /**
   * A probe's answer (Go's {@code xfer.Response}, every field omitted when empty): a value, an
   * error, or a pipe the UI should attach to.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Response(
      @JsonProperty("value") JsonNode value,
      @JsonProperty("error") String error,
      @JsonProperty("pipe") String pipe,
      @JsonProperty("raw_tty") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean rawTty,
      @JsonProperty("resize_tty_control") String resizeTtyControl,
      @JsonProperty("removedNode") String removedNode) {

    public static Response failure(String error) {
      return new Response(null, error, null, false, null, null);
    }

    public static Response ofPipe(String pipeId, boolean rawTty, String resizeControl) {
      return new Response(null, null, pipeId, rawTty, resizeControl, null);
    }

    public static Response empty() {
      return new Response(null, null, null, false, null, null);
    }

    public boolean failed() {
      return error != null && !error.isEmpty();
    }
  }

  /** net/rpc's call header. */
  public record CallHeader(@JsonProperty("ServiceMethod") String method, @JsonProperty("Seq") long seq) {}

  /** net/rpc's reply header; {@code error} is non-empty when the call itself failed. */
  public record ReplyHeader(@JsonProperty("ServiceMethod") String method, @JsonProperty("Seq") long seq,
      @JsonProperty("Error") String error) {}

  /** One frame: exactly one of its three fields is set (Go writes the other two as null). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Frame(
      @JsonProperty("Request") CallHeader call,
      @JsonProperty("Response") ReplyHeader reply,
      @JsonProperty("Value") JsonNode value) {}

  /** The two frames that call {@code control.Handle} with {@code request}. */
  public static List<String> call(long seq, Request request) {
    return List.of(write(new Frame(new CallHeader(METHOD, seq), null, null)),
        write(new Frame(null, null, JSON.valueToTree(request))));
  }

  /** The two frames that answer call {@code seq}. */
  public static List<String> reply(long seq, Response response) {
    return List.of(write(new Frame(null, new ReplyHeader(METHOD, seq, ""), null)),
        write(new Frame(null, null, JSON.valueToTree(response))));
  }

  /** Reads a frame; throws {@link IllegalArgumentException} naming the problem when it is not one. */
  public static Frame frame(String text) {
    try {
      Frame f = JSON.readValue(text, Frame.class);
      if (f == null || (f.call() == null && f.reply() == null && f.value() == null)) {
        throw new IllegalArgumentException("a control frame needs a Request, a Response or a Value");
      }
      return f;
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a control frame: " + e.getOriginalMessage(), e);
    }
  }

  public static Request request(JsonNode value) {
    return convert(value, Request.class);
  }

  public static Response response(JsonNode value) {
    return value == null || value.isNull() ? Response.empty() : convert(value, Response.class);
  }

  public static String json(Response response) {
    return write(response);
  }

  public static Response response(String json) {
    return response(tree(json));
  }

  /** Control arguments as the UI posts them: a JSON object of strings (null or empty: none). */
  public static Map<String, String> args(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(json);
      if (n.isNull()) {
        return null;
      }
      if (!n.isObject()) {
        throw new IllegalArgumentException("control arguments must be a JSON object of strings");
      }
      java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!e.getValue().isString()) {
          throw new IllegalArgumentException("control argument " + e.getKey() + " must be a string");
        }
        out.put(e.getKey(), e.getValue().asString());
      }
      return out;
    } catch (JacksonException e) {
      throw new IllegalArgumentException("control arguments are not JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code value} (these records, or envelopes holding them) as JSON. */
  public static String write(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** Reads what {@link #write} wrote; throws {@link IllegalArgumentException} naming the problem. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  private static <T> T convert(JsonNode value, Class<T> type) {
    try {
      return JSON.treeToValue(value, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
