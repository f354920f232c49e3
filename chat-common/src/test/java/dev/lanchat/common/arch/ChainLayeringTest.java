package dev.lanchat.common.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room chain is a building block without I/O: it hashes, signs and compares values, and
 * knows nothing of frames, records, messages, handshakes or files, so the session and the
 * server can each wire it in without dragging the other's layers along.
 */
class ChainLayeringTest {
  private static JavaClasses common;

  @BeforeAll
  static void importMainClasses() {
    common = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lanchat.common");
  }

  @Test
  void theChainUsesOnlyBytesCryptoAndTheWordlist() {
    classes().that().resideInAPackage("dev.lanchat.common.chain..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.lanchat.common.chain..",
            "dev.lanchat.common.bytes..", "dev.lanchat.common.crypto..",
            "dev.lanchat.common.pake..", "dev.lanchat.common.rules..", "dev.lanchat.common",
            "java..",
            "org.bouncycastle.crypto.generators..")
        .check(common);
  }

  @Test
  void nothingBelowTheChainDependsOnIt() {
    noClasses().that().resideInAnyPackage("dev.lanchat.common.bytes..",
            "dev.lanchat.common.crypto..", "dev.lanchat.common.pake..",
            "dev.lanchat.common.frame..", "dev.lanchat.common.channel..")
        .should().dependOnClassesThat().resideInAPackage("dev.lanchat.common.chain..")
        .check(common);
  }

  @Test
  void theRulesSeeTheChain() {
    // a rule over an empty import passes whatever the code does
    common.get("dev.lanchat.common.chain.RoomChain");
    common.get("dev.lanchat.common.chain.SignedHead");
  }
}
