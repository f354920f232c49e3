package dev.lanchat.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The server's shape, checked on its compiled classes: no cycles between packages or between
 * classes, and the room never reaches back to a connection.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.lanchat");

  /** The classes issue 8 found tangled; a cycle among them must not come back. */
  private static final Set<String> CORE = Set.of("Room", "Member", "Outbox", "Connection",
      "ChatServer");

  /**
   * Each top-level class of the server, in any of its packages (the store's and the admin
   * commands' too), is its own slice; nested classes belong to it.
   */
  private static final SliceAssignment BY_CLASS = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String pkg = javaClass.getPackageName();
      if (!pkg.equals("dev.lanchat.server") && !pkg.startsWith("dev.lanchat.server.")) {
        return SliceIdentifier.ignore();
      }
      String name = javaClass.getName().substring("dev.lanchat.server.".length());
      int nested = name.indexOf('$');
      return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
    }

    @Override
    public String getDescription() {
      return "top-level classes of dev.lanchat.server and its packages";
    }
  };

  @Test
  void noPackageCycles() {
    slices().matching("dev.lanchat.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void noClassCyclesInTheServer() {
    slices().assignedFrom(BY_CLASS).should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void theCoreClassesAreAmongTheCheckedOnes() {
    for (String name : CORE) {
      CLASSES.get("dev.lanchat.server." + name); // throws if a class was renamed away
    }
  }

  @Test
  void theRoomDoesNotDependOnConnections() {
    noClasses().that().belongToAnyOf(Room.class, Member.class)
        .should().dependOnClassesThat().belongToAnyOf(Connection.class, ChatServer.class,
            ClientLink.class, ClientSocket.class)
        .check(CLASSES);
  }

  @Test
  void chatCommonDependsOnNeitherProgram() {
    noClasses().that().resideInAPackage("dev.lanchat.common..")
        .should().dependOnClassesThat().resideInAPackage("dev.lanchat.server..")
        .check(CLASSES);
  }
}
