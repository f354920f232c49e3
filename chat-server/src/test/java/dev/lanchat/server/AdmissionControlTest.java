package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-source admission: a connect rate and a cap on simultaneous connections, IPv6 per /64. */
class AdmissionControlTest {
  private final AtomicLong nanos = new AtomicLong(1_000);

  private static AdmissionControl.Place admitted(AdmissionControl.Decision d) {
    return assertInstanceOf(AdmissionControl.Decision.Admitted.class, d).place();
  }

  @Test
  void admissionIsCountedPerSourceAddress() throws Exception {
    AdmissionControl admission = new AdmissionControl(20, 40, 1000, nanos::get);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    for (int i = 0; i < 40; i++) {
      admitted(admission.admit(a));
    }
    assertInstanceOf(AdmissionControl.Decision.TooFast.class, admission.admit(a));
    admitted(admission.admit(b)); // another address has its own bucket
    nanos.addAndGet(50_000_000); // 0.05 s at 20/s
    admitted(admission.admit(a));
    assertInstanceOf(AdmissionControl.Decision.TooFast.class, admission.admit(a));
  }

  @Test
  void admissionForgetsAddressesWhoseBucketRefilled() throws Exception {
    AdmissionControl admission = new AdmissionControl(20, 40, 1000, nanos::get);
    for (int i = 0; i < 5000; i++) {
      admission.admit(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    assertEquals(5000, admission.tracked(), "none refilled yet, so none is forgotten");
    nanos.addAndGet(10_000_000_000L);
    admission.admit(InetAddress.getByName("192.0.2.9"));
    assertEquals(1, admission.tracked(), "the refilled buckets were swept");
  }

  @Test
  void aSourceHoldsAtMostMaxConnectionsAtOnceAndGetsOneBackWhenOneEnds() throws Exception {
    AdmissionControl admission = new AdmissionControl(0, 1, 3, nanos::get);
    InetAddress a = InetAddress.getByName("127.0.0.7");
    List<AdmissionControl.Place> places = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      places.add(admitted(admission.admit(a)));
    }
    assertEquals(3, assertInstanceOf(AdmissionControl.Decision.TooMany.class,
        admission.admit(a)).max());
    admitted(admission.admit(InetAddress.getByName("127.0.0.8"))); // another source
    places.get(0).release();
    places.get(0).release(); // twice is harmless: it counts once
    assertEquals(2, admission.held(a));
    admitted(admission.admit(a));
    assertInstanceOf(AdmissionControl.Decision.TooMany.class, admission.admit(a));
    for (AdmissionControl.Place p : places) {
      p.release();
    }
  }

  @Test
  void everyAddressOfOneIpv6Slash64CountsAsOneSource() throws Exception {
    AdmissionControl admission = new AdmissionControl(0, 1, 2, nanos::get);
    admitted(admission.admit(InetAddress.getByName("2001:db8:1:2::1")));
    admitted(admission.admit(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff")));
    assertInstanceOf(AdmissionControl.Decision.TooMany.class,
        admission.admit(InetAddress.getByName("2001:db8:1:2:abcd::9")));
    admitted(admission.admit(InetAddress.getByName("2001:db8:1:3::1"))); // the next /64
    assertEquals(InetAddress.getByName("2001:db8:1:2::"),
        AdmissionControl.sourceOf(InetAddress.getByName("2001:db8:1:2:abcd::9")));
  }

  @Test
  void theConnectRateAlsoCountsPerSlash64() throws Exception {
    AdmissionControl admission = new AdmissionControl(1, 2, 1000, nanos::get);
    admitted(admission.admit(InetAddress.getByName("fd00::1")));
    admitted(admission.admit(InetAddress.getByName("fd00::2")));
    assertInstanceOf(AdmissionControl.Decision.TooFast.class,
        admission.admit(InetAddress.getByName("fd00::3")));
  }
}
