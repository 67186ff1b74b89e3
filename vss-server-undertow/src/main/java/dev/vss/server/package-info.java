/**
 * The embeddable VSS HTTP server on Undertow: {@link dev.vss.server.VssServer} (the VSS API under a
 * base path plus {@code /health}, {@code /ready} and {@code /metrics}) and {@link
 * dev.vss.server.VssHttpHandler} (the API alone, for an application's own Undertow server).
 *
 * <p>The public API is {@link dev.vss.server.VssServer} and its builder, {@link
 * dev.vss.server.VssHttpHandler}, {@link dev.vss.server.RateLimits} and {@link
 * dev.vss.server.PemTls}; everything else is internal. The library brings no storage engine, no
 * configuration format and no slf4j binding: the application chooses them (the command-line server
 * is the {@code vss-server} module, package {@code dev.vss.server.app}).
 */
package dev.vss.server;
