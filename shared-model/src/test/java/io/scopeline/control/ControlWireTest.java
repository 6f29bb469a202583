package io.scopeline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlWireTest {

  @Test
  void aCallIsAHeaderFrameThenAValueFrameAsGoNetRpcWritesThem() {
    List<String> frames = ControlWire.call(7, new ControlWire.Request("app-1", "abc;<container>",
        "docker_stop_container", null));
    assertThat(frames).containsExactly(
        "{\"Request\":{\"ServiceMethod\":\"control.Handle\",\"Seq\":7},\"Response\":null,\"Value\":null}",
        "{\"Request\":null,\"Response\":null,\"Value\":{\"AppID\":\"app-1\",\"NodeID\":\"abc;<container>\","
            + "\"Control\":\"docker_stop_container\",\"ControlArgs\":null}}");
  }

  @Test
  void aReplyRoundTripsAndOmitsEmptyFieldsAsScopeDoes() {
    List<String> frames = ControlWire.reply(7, ControlWire.Response.ofPipe("p-1", true, "docker_resize"));
    ControlWire.Frame header = ControlWire.frame(frames.get(0));
    assertThat(header.reply().seq()).isEqualTo(7);
    assertThat(header.reply().error()).isEmpty();
    assertThat(frames.get(1)).isEqualTo(
        "{\"Request\":null,\"Response\":null,\"Value\":{\"pipe\":\"p-1\",\"raw_tty\":true,"
            + "\"resize_tty_control\":\"docker_resize\"}}");
    ControlWire.Response back = ControlWire.response(ControlWire.frame(frames.get(1)).value());
    assertThat(back).isEqualTo(ControlWire.Response.ofPipe("p-1", true, "docker_resize"));
    assertThat(ControlWire.json(ControlWire.Response.empty())).isEqualTo("{}");
    assertThat(ControlWire.response("{\"error\":\"no such container\"}"))
        .isEqualTo(ControlWire.Response.failure("no such container"));
  }

  @Test
  void controlArgumentsMustBeAnObjectOfStrings() {
    assertThat(ControlWire.args("")).isNull();
    assertThat(ControlWire.args("{\"width\":\"80\",\"height\":\"24\"}"))
        .isEqualTo(Map.of("width", "80", "height", "24"));
    assertThatThrownBy(() -> ControlWire.args("{\"width\":80}")).hasMessageContaining("width must be a string");
    assertThatThrownBy(() -> ControlWire.args("[1]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> ControlWire.args("{nope")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ControlWire.frame("{}")).hasMessageContaining("Request, a Response or a Value");
  }
}
