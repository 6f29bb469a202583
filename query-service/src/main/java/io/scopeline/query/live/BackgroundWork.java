package io.scopeline.query.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Work taken off the request path (a large tenant's window versions and renders): jobs run one at
 * a time, in the order queued, on a thread of their own; a job that fails is logged and skipped.
 *
 * <p>Its own thread rather than a worker of the shared codec pool: a parallel scheduler queues
 * work per worker, so a request handed to the worker busy with a 0.4 s render would wait for all
 * of it. The OS shares the cores between this thread and the pool instead.
 */
public final class BackgroundWork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundWork.class);

  private final Sinks.Many<Runnable> jobs = Sinks.many().unicast().onBackpressureBuffer();
  private final Scheduler scheduler;
  private final Disposable worker;

  /** On a new daemon thread called {@code name}. */
  public BackgroundWork(String name) {
    this(Schedulers.newSingle(name, true));
  }

  /** On {@code scheduler} ({@code Schedulers.immediate()}: at once, in the caller, for tests). */
  public BackgroundWork(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.worker = jobs.asFlux()
        .concatMap(job -> Mono.fromRunnable(job).subscribeOn(scheduler)
            .onErrorResume(e -> {
              log.warn("Background job failed: {}", e.toString());
              return Mono.empty();
            }), 1)
        .subscribe();
  }

  /** Queues {@code job}; false if the queue refused it (closed). */
  public boolean submit(Runnable job) {
    // The queue takes one producer at a time; requests on several threads queue jobs at once.
    synchronized (jobs) {
      return jobs.tryEmitNext(job).isSuccess();
    }
  }

  @Override
  public void close() {
    worker.dispose();
    scheduler.dispose();
  }
}
