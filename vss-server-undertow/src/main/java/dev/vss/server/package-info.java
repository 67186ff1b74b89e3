/** The thin HTTP shell, CLI and the runnable vss-server.jar. */
package dev.vss.server;
