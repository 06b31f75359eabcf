/**
 * Gogo commands in scope {@code pci}: DS components whose service properties
 * {@code osgi.command.scope} and {@code osgi.command.function} make their public methods shell
 * commands, in the embedded host's Gogo and in Karaf's shell alike, with no Gogo or Karaf API at
 * compile time. The commands print to {@code System.out}, which the shell redirects to the session,
 * and report a failure by throwing: {@link java.lang.IllegalArgumentException} for a command line
 * that does not fit the usage, {@link java.text.ParseException} for a malformed replay script line
 * (its error offset is the line number), anything else for a device that cannot be loaded, opened
 * or accessed. Not exported: the commands are reached through the shell.
 */
package org.pciguard.shell;
