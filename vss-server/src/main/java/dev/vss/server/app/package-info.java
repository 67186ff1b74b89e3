/**
 * The command-line VSS server, {@code java -jar vss-server.jar}: configuration (flags, environment,
 * TOML file), the choice of storage engine, logging (Logback) and start-up and shutdown of an
 * embedded {@link dev.vss.server.VssServer}; plus {@link dev.vss.server.app.HealthCheck} for
 * container health checks. An application that embeds the HTTP server needs none of this: it
 * depends on {@code vss-server-undertow} and a store.
 */
package dev.vss.server.app;
