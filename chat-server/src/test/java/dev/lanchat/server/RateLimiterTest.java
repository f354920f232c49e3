package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000);

  @Test
  void theBurstPassesThenTheRateRefills() {
    RateLimiter limiter = new RateLimiter(10, 20, nanos::get);
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire(), "burst " + i);
    }
    assertFalse(limiter.tryAcquire());
    nanos.addAndGet(100_000_000); // 0.1 s at 10/s: one token
    assertTrue(limiter.tryAcquire());
    assertFalse(limiter.tryAcquire());
    nanos.addAndGet(60_000_000_000L); // a minute: full again, never more than the burst
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.tryAcquire());
    }
    assertFalse(limiter.tryAcquire());
  }

  @Test
  void rateZeroSwitchesTheLimitOff() {
    RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(limiter.tryAcquire());
    }
  }

  @Test
  void admissionIsCountedPerSourceAddress() throws Exception {
    AdmissionControl admission = new AdmissionControl(20, 40, nanos::get);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    for (int i = 0; i < 40; i++) {
      assertTrue(admission.admit(a));
    }
    assertFalse(admission.admit(a));
    assertTrue(admission.admit(b), "another address has its own bucket");
    nanos.addAndGet(50_000_000); // 0.05 s at 20/s
    assertTrue(admission.admit(a));
    assertFalse(admission.admit(a));
  }

  @Test
  void admissionForgetsAddressesWhoseBucketRefilled() throws Exception {
    AdmissionControl admission = new AdmissionControl(20, 40, nanos::get);
    for (int i = 0; i < 5000; i++) {
      admission.admit(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    assertEquals(5000, admission.tracked(), "none refilled yet, so none is forgotten");
    nanos.addAndGet(10_000_000_000L);
    admission.admit(InetAddress.getByName("192.0.2.9"));
    assertEquals(1, admission.tracked(), "the refilled buckets were swept");
  }
}
