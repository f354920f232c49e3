package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Loads the third-party vectors in src/test/resources/testvectors (see the README there). */
final class TestVectors {
  private static final HexFormat HEX = HexFormat.of();

  private TestVectors() {}

  /** One Wycheproof test with the parameters of its group. */
  record Case(JsonObject group, JsonObject test) {
    int tcId() {
      return test.get("tcId").getAsInt();
    }

    String result() {
      return test.get("result").getAsString();
    }

    byte[] hex(String field) {
      return TestVectors.hex(test.get(field).getAsString());
    }

    int groupInt(String field) {
      return group.get(field).getAsInt();
    }

    @Override
    public String toString() {
      return "tcId " + tcId() + " (" + test.get("comment").getAsString() + ")";
    }
  }

  static JsonObject load(String resource) throws IOException {
    try (InputStream in = TestVectors.class.getResourceAsStream("/testvectors/" + resource)) {
      assertNotNull(in, "missing test resource testvectors/" + resource);
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return JsonParser.parseReader(reader).getAsJsonObject();
      }
    }
  }

  /** Every test of a Wycheproof file, after checking the file's own count. */
  static List<Case> wycheproof(String file) throws IOException {
    JsonObject root = load("wycheproof/" + file);
    List<Case> cases = new ArrayList<>();
    for (JsonElement group : root.getAsJsonArray("testGroups")) {
      for (JsonElement test : group.getAsJsonObject().getAsJsonArray("tests")) {
        cases.add(new Case(group.getAsJsonObject(), test.getAsJsonObject()));
      }
    }
    if (cases.size() != root.get("numberOfTests").getAsInt()) {
      throw new AssertionError(file + " holds " + cases.size() + " tests, its header says "
          + root.get("numberOfTests"));
    }
    return cases;
  }

  static byte[] hex(String hex) {
    return HEX.parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
