package io.scopeline.service.web;

import org.springframework.http.HttpStatus;

/** A request that cannot be answered: the status to give and the reason, for the caller to read. */
public final class Rejected extends RuntimeException {
  private final HttpStatus status;

  public Rejected(HttpStatus status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
