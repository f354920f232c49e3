package dev.lanchat.common.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A mistyped word is matched to the known words one or two edits away, and no further. */
class TyposTest {
  private static final List<String> OPTIONS =
      List.of("--host", "--port", "--name", "--data", "--bind", "--help");

  @Test
  void commonSlipsFindTheWordMeant() {
    assertEquals(List.of("--port"), Typos.nearest("--prot", OPTIONS), "two letters swapped");
    assertEquals(List.of("--host"), Typos.nearest("--hots", OPTIONS));
    assertEquals(List.of("--name"), Typos.nearest("--nmae", OPTIONS));
    assertEquals(List.of("--data"), Typos.nearest("--dta", OPTIONS), "a letter left out");
    assertEquals(List.of("--port"), Typos.nearest("--PORT", OPTIONS), "case is no edit");
    assertEquals(List.of("allow"), Typos.nearest("allowed", List.of("allow", "deny", "invite")));
    assertEquals(List.of("/join"), Typos.nearest("/jion", List.of("/join", "/me", "/msg")));
  }

  @Test
  void aFarOrExactWordGetsNoHint() {
    assertEquals(List.of(), Typos.nearest("frobnicate", List.of("invite", "invites", "allow")));
    assertEquals(List.of(), Typos.nearest("--port", OPTIONS), "typed right: nothing to suggest");
    assertEquals(List.of(), Typos.nearest("/x", List.of("/me")), "short words: one edit at most");
  }

  @Test
  void tiesAreAllNamedInTheirOrder() {
    assertEquals(List.of("/me", "/mx"), Typos.nearest("/m", List.of("/me", "/mx", "/msg")));
    assertEquals("; did you mean /me or /mx?", Typos.hint(List.of("/me", "/mx")));
    assertEquals("", Typos.hint(List.of()));
  }

  @Test
  void anUnknownWordIsNamedWithTheNearestKnownOne() {
    assertEquals("unknown option --prot; did you mean --port?",
        Typos.unknown("option", "--prot", OPTIONS));
    assertEquals("unknown option --frobnicate", Typos.unknown("option", "--frobnicate", OPTIONS));
  }
}
