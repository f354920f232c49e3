package dev.lanchat.common.pake;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigInteger;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Rebuilds a received Schnorr proof {@code (V, r)} as BouncyCastle's {@link ECSchnorrZKP}, so
 * that {@code ECJPAKEParticipant} itself validates it.
 *
 * <p>Why reflection: in bcprov 1.87 the class has no public constructor (BouncyCastle expects
 * both participants in one process, or its own encoding), and its package cannot be joined
 * from outside because the jar is signed. Re-implementing the proof check would mean writing
 * our own curve-point validation; opening one constructor of a value class keeps every check
 * in the audited library. {@code JoinCodeExchangeTest} fails loudly if a BouncyCastle upgrade
 * changes it. Both programs run on the class path (the unnamed module), which is open to this.
 */
final class Proofs {
  private static final Constructor<ECSchnorrZKP> CONSTRUCTOR = constructor();

  private Proofs() {}

  static ECSchnorrZKP of(ECPoint v, BigInteger r) {
    try {
      return CONSTRUCTOR.newInstance(v, r);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot build a BouncyCastle ECSchnorrZKP", e);
    }
  }

  private static Constructor<ECSchnorrZKP> constructor() {
    try {
      Constructor<ECSchnorrZKP> c =
          ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
      c.setAccessible(true);
      return c;
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new IllegalStateException("this BouncyCastle's ECSchnorrZKP cannot be built from "
          + "received values; LanChat needs bcprov 1.87", e);
    }
  }
}
