package io.scopeline.render;

/** Something applied to a finished rendering, e.g. the filters a request's options select. */
@FunctionalInterface
public interface Transformer {
  Transformer IDENTITY = r -> r;

  Rendered transform(Rendered input);

  default Transformer andThen(Transformer next) {
    return r -> next.transform(transform(r));
  }
}
