package dev.lanchat.client;

import dev.lanchat.client.DiscoveryClient.Found;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * Runs {@link DiscoveryClient} inside a network namespace for {@link DiscoveryNamespaceTest}:
 * {@code default|limited UDP-PORT EXPECTED-SUBNET-BROADCAST}. Before sending anything it checks
 * that {@link DiscoveryClient#defaultTargets} lists exactly the expected subnet broadcast
 * address — proof that it runs inside the test's namespace, whose only non-loopback interface
 * is the test's veth — and exits with 3 otherwise. Then it discovers with the default targets
 * ({@code default}) or with {@code 255.255.255.255} ({@code limited}), prints {@code FOUND
 * <host:port> <fingerprint> <name>} for each server and {@code DONE <count>}.
 */
public final class DiscoveryNamespaceClientMain {
  private static final int ATTEMPTS = 3;

  private DiscoveryNamespaceClientMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    InetSocketAddress expected = new InetSocketAddress(InetAddress.getByName(args[2]), port);
    List<InetSocketAddress> defaults = DiscoveryClient.defaultTargets(port);
    if (!defaults.equals(List.of(expected))) {
      System.out.println("UNEXPECTED-TARGETS " + defaults);
      System.exit(3);
    }
    List<InetSocketAddress> targets = switch (args[0]) {
      case "default" -> defaults;
      case "limited" ->
          List.of(new InetSocketAddress(InetAddress.getByName("255.255.255.255"), port));
      default -> throw new IllegalArgumentException("mode is default or limited");
    };
    List<Found> found = List.of();
    // a fresh veth may still be coming up: a few bounded rounds instead of a sleep
    for (int attempt = 0; attempt < ATTEMPTS && found.isEmpty(); attempt++) {
      found = DiscoveryClient.discover(targets, Duration.ofSeconds(2), new SecureRandom());
    }
    for (Found f : found) {
      System.out.println("FOUND " + f.hostPort() + " " + f.fingerprint() + " " + f.displayName());
    }
    System.out.println("DONE " + found.size());
  }
}
