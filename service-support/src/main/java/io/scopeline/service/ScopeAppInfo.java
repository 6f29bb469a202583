package io.scopeline.service;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@code GET /api} answers, as Scope's app does: an instance id (probes use it to tell apps
 * apart), version, hostname, plugins and capabilities. Scopeline keeps history, so it says
 * {@code historic_reports: true}.
 */
public record ScopeAppInfo(String id, String hostname) {
  /** {@code id} (a fresh random one when empty) and this machine's hostname. */
  public static ScopeAppInfo withId(String id) {
    ScopeAppInfo random = forThisInstance();
    return id == null || id.isEmpty() ? random : new ScopeAppInfo(id, random.hostname());
  }

  /** A fresh random id and this machine's hostname. */
  public static ScopeAppInfo forThisInstance() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "scopeline";
    }
    return new ScopeAppInfo(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), host);
  }

  /** The JSON body of {@code GET /api}. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("version", "scopeline");
    body.put("hostname", hostname);
    body.put("plugins", List.of());
    body.put("capabilities", Map.of("historic_reports", true));
    return body;
  }

  /** {@code s} as a JSON string literal: Scope answers errors as JSON strings. */
  public static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
