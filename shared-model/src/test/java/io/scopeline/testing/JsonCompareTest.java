package io.scopeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The semantic comparator used by conformance tests really tells different documents apart. */
class JsonCompareTest {
  private static java.util.List<String> diff(String a, String b, String... ignored) {
    return JsonCompare.diff(JsonCompare.parse(a.getBytes(StandardCharsets.UTF_8)),
        JsonCompare.parse(b.getBytes(StandardCharsets.UTF_8)), Set.of(ignored));
  }

  @Test
  void ignoresKeyOrderIdListOrderAndNumberSpelling() {
    assertThat(diff("{\"a\":1,\"b\":[{\"id\":\"x\"},{\"id\":\"y\"}]}", "{\"b\":[{\"id\":\"y\"},{\"id\":\"x\"}],\"a\":1.0}"))
        .isEmpty();
  }

  @Test
  void reportsValueMissingExtraAndOrderDifferences() {
    assertThat(diff("{\"a\":1}", "{\"a\":2}")).hasSize(1);
    assertThat(diff("{\"a\":1}", "{}")).hasSize(1);
    assertThat(diff("{}", "{\"a\":null}")).hasSize(1);
    assertThat(diff("[1,2]", "[2,1]")).hasSize(2);
    assertThat(diff("{\"a\":{\"b\":1}}", "{\"a\":{\"b\":2}}", "$.a.b")).isEmpty();
  }
}
