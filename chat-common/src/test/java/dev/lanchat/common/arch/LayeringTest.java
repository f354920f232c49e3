package dev.lanchat.common.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of chat-common, checked on every build: packages form no cycle, the library knows
 * neither program, and each layer of the wire (frame, record, message) imports only the ones
 * below it.
 *
 * <p>Plain JUnit tests calling {@code check}, not {@code @ArchTest} fields: Surefire 3.5.3 does
 * not run {@code @ArchTest} fields (TNG/ArchUnit#1442), so such rules would pass by never
 * running.
 */
class LayeringTest {
  private static JavaClasses common;

  @BeforeAll
  static void importMainClasses() {
    common = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lanchat.common");
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching("dev.lanchat.common.(*)..").should().beFreeOfCycles().check(common);
  }

  @Test
  void commonDependsOnNeitherProgram() {
    noClasses().that().resideInAPackage("dev.lanchat.common..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.lanchat.server..", "dev.lanchat.client..", "dev.lanchat.bench..")
        .check(common);
  }

  @Test
  void frameAndRecordLayersDoNotImportMessages() {
    noClasses().that()
        .resideInAnyPackage("dev.lanchat.common.frame..", "dev.lanchat.common.channel..")
        .should().dependOnClassesThat().resideInAPackage("dev.lanchat.common.message..")
        .check(common);
  }

  @Test
  void frameLayerKnowsNothingOfKeysOrHandshakes() {
    noClasses().that().resideInAPackage("dev.lanchat.common.frame..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.lanchat.common.channel..",
            "dev.lanchat.common.crypto..", "dev.lanchat.common.handshake..")
        .check(common);
  }

  @Test
  void bytesAreTheBottomLayer() {
    noClasses().that().resideInAPackage("dev.lanchat.common.bytes..")
        .should().dependOnClassesThat().resideOutsideOfPackages("dev.lanchat.common.bytes..",
            "java..")
        .check(common);
  }

  @Test
  void theRulesSeeTheWholeLibrary() {
    // a rule over an empty import passes whatever the code does: make sure it is not empty
    for (String type : new String[] {"frame.FrameReader", "channel.SecureChannel",
        "message.MessageChannel", "handshake.ClientHandshake", "bytes.ByteString"}) {
      common.get("dev.lanchat.common." + type);
    }
  }
}
