package io.scopeline.render;

/** Something that renders a report into a set of nodes (Scope's render.Renderer). */
@FunctionalInterface
public interface Renderer {
  Rendered render(RenderContext ctx);
}
