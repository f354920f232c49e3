package dev.lanchat.server.store;

import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One running server per store: a lock on {@code FILE.lock} next to the store, held from start
 * to close. Two servers on one store would each number and chain the same rooms' events from
 * their own memory, and clients would see two histories. Admin commands do not take it: they
 * change the store while the server runs, by design.
 *
 * <p>The operating system releases the lock when the process ends, however it ends, so a crashed
 * server never leaves a store locked. The lock file stays (empty, owner-only); removing it
 * would let a second server lock a new file while the first still holds the old one.
 */
public final class ServerLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private ServerLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of the store in {@code store}. */
  public static Path fileFor(Path store) {
    return store.resolveSibling(store.getFileName() + ".lock");
  }

  /**
   * Takes the lock of the store in {@code store}, making its folder (owner-only) if need be, or
   * says that another server has it.
   *
   * @throws StoreException if another server holds it, or the lock file cannot be made
   */
  public static ServerLock take(Path store) throws StoreException {
    Path file = fileFor(store).toAbsolutePath();
    try {
      SecureFiles.createFolder(file.getParent());
    } catch (IOException e) {
      throw new StoreException(store, "cannot create its folder (" + StoreFile.describe(e) + ")",
          e);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          SecureFiles.ownerOnlyFile(file.getParent()));
    } catch (IOException e) {
      throw new StoreException(store, "cannot make its lock file " + file + " ("
          + StoreFile.describe(e) + ")", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // a server in this same process has it
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(store, "cannot lock " + file + " (" + StoreFile.describe(e) + ")",
          e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StoreException(store, "another chat-server is running on this store (it holds "
          + file + "); stop that one first, or give this one another --data");
    }
    return new ServerLock(channel, lock);
  }

  /** Releases the lock: another server may take the store now. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it all the same
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the process releases it when it ends
    }
  }
}
