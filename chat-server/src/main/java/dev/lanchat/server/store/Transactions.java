package dev.lanchat.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one SQLite transaction on the store's connection: what the views {@link
 * History} and {@link OfflineDms} need of the {@link Store} they came from, and nothing more.
 * The store implements it; the views know only this, so they do not depend back on the store
 * that makes them.
 *
 * <p>Implementations are thread-safe: one transaction runs at a time.
 */
interface Transactions {
  /** Work done inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a write transaction, taken at once ({@code BEGIN IMMEDIATE}).
   *
   * @param what what the work does, for the exception's sentence ("write a room event")
   * @param durability what crash the commit must survive once this returns
   * @throws StoreException if the work or the commit failed; everything was rolled back
   */
  <T> T write(String what, Durability durability, Work<T> work) throws StoreException;

  /**
   * Runs {@code work} in a read transaction.
   *
   * @throws StoreException if the work failed
   */
  <T> T read(String what, Work<T> work) throws StoreException;
}
