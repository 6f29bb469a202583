package io.scopeline.keys;

import java.util.regex.Pattern;

/**
 * A validated tenant id. Every storage key, cache entry and channel is scoped by one, so only a
 * conservative charset is allowed: letters, digits, '.', '_' and '-', 1 to 64 characters.
 */
public record TenantId(String value) {
  public static final int MAX_LENGTH = 64;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

  public TenantId {
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidTenantException(problem);
    }
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  /** Why {@code value} is not a valid tenant id, or null when it is. */
  public static String problem(String value) {
    if (value == null || value.isEmpty()) {
      return "tenant id is missing (set the X-Scope-OrgID header)";
    }
    if (value.length() > MAX_LENGTH) {
      return "tenant id is longer than " + MAX_LENGTH + " characters";
    }
    if (!ALLOWED.matcher(value).matches()) {
      return "tenant id '" + printable(value) + "' may only contain letters, digits, '.', '_' and '-'";
    }
    if (value.equals(".") || value.equals("..")) {
      return "tenant id may not be '" + value + "'";
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c > 0x7e ? '?' : c);
      if (sb.length() >= 80) {
        break;
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return value;
  }

  /** The tenant id failed validation; the message says why. */
  public static final class InvalidTenantException extends IllegalArgumentException {
    public InvalidTenantException(String message) {
      super(message);
    }
  }
}
