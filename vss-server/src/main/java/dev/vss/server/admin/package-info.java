/**
 * {@code vss-server admin}: the operator's data tools in the server's jar (export, import, backup,
 * verify, delete-user, stats). See docs/operating.md.
 */
package dev.vss.server.admin;
