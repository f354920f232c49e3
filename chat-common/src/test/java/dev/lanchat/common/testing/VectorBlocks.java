package dev.lanchat.common.testing;

import java.util.HexFormat;
import java.util.Map;

/**
 * Worked-example blocks as docs/protocol.md prints them, so a vector test can compare the page's
 * block with what it computed: {@code name: hex}, names padded to one column, 64 hex digits a
 * line.
 */
public final class VectorBlocks {
  private static final HexFormat HEX = HexFormat.of();

  private VectorBlocks() {}

  /** {@code values} as one block, in their map's order. */
  public static String block(Map<String, byte[]> values) {
    int width = values.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      String hex = HEX.formatHex(e.getValue());
      out.append(e.getKey()).append(':').append(" ".repeat(width - e.getKey().length()));
      for (int at = 0; at < hex.length(); at += 64) {
        if (at > 0) {
          out.append('\n').append(" ".repeat(width + 1));
        }
        out.append(hex, at, Math.min(hex.length(), at + 64));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
