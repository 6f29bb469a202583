package io.scopeline.service.control;

/** A control request that could not reach its probe or got no answer; the message is for the user. */
public final class ControlException extends RuntimeException {
  public ControlException(String message) {
    super(message, null, false, false);
  }
}
