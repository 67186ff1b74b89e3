/** Examples of the Java VSS client: encrypted backup and restore through {@code EncryptedStore}. */
package dev.vss.examples.client;
