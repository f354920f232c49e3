package dev.lanchat.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.message.MessageChannel;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The client's shape: no cycles between packages or between classes, and only the session
 * package touches sockets and the record layer; the program around it (console, prompts, exit
 * codes) does not.
 */
class ClientArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.lanchat.client");

  /** Each top-level class with its nested classes is one slice. */
  private static final SliceAssignment TOP_LEVEL_CLASSES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String name = javaClass.getName();
      int nested = name.indexOf('$');
      return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
    }

    @Override
    public String getDescription() {
      return "top-level classes";
    }
  };

  /** The program: every client class outside the session package. */
  private static ArchRule programTouchesNoSocket() {
    return noClasses().that().resideInAPackage("dev.lanchat.client")
        .should().dependOnClassesThat().belongToAnyOf(Socket.class, ServerSocket.class)
        .orShould().dependOnClassesThat().belongToAnyOf(ClientHandshake.class, MessageChannel.class)
        .orShould().dependOnClassesThat().resideInAPackage("dev.lanchat.common.channel..")
        .because("only the session speaks to the server; the program never touches a socket");
  }

  @Test
  void importedTheClientsMainClasses() {
    assertTrue(MAIN.contain(ChatProgram.class) && MAIN.contain(
        dev.lanchat.client.session.Session.class), "the rules below must see the real classes");
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.lanchat.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noClassCycles() {
    slices().assignedFrom(TOP_LEVEL_CLASSES).should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void onlyTheSessionTouchesSocketsAndTheRecordLayer() {
    programTouchesNoSocket().check(MAIN);
  }

  @Test
  void theSocketRuleWouldCatchTheSessionsOwnUseOfSockets() {
    // the same rule over the session package must find violations, or it could never fail
    ArchRule sameRuleOnSession = noClasses().that()
        .resideInAPackage("dev.lanchat.client.session")
        .should().dependOnClassesThat().belongToAnyOf(Socket.class, ServerSocket.class);
    assertTrue(sameRuleOnSession.evaluate(MAIN).hasViolation());
  }
}
