package io.ciconnect

/**
 * A bad argument to a ciConnect* step. It extends Exception, whose String constructor Script
 * Security's built-in whitelist allows, so a folder library (which runs in the Groovy sandbox)
 * throws it with no script approval; `new IllegalArgumentException(String)` is not on that list.
 */
class ArgumentError extends Exception {
  private static final long serialVersionUID = 1L

  ArgumentError(String message) {
    super(message)
  }
}
