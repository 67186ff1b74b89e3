package dev.vss.client.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The rows of {@code vectors/vss-client-ng-0.6.0-storables.tsv}, made by the deployed Rust client
 * ({@code vss-client-ng} 0.6.0: its {@code StorableBuilder} and {@code KeyObfuscator}) and copied
 * unchanged from the project's shared vectors.
 */
public final class DeployedClientVectors {
  /** Where the copy lives on the test class path. */
  public static final String RESOURCE = "/vectors/vss-client-ng-0.6.0-storables.tsv";

  /**
   * One row.
   *
   * @param mode the AAD the Rust client sealed with: {@code storage_key} (the obfuscated key),
   *     {@code caller_key} (the plain key) or {@code empty}
   */
  public record Row(
      String mode,
      String callerKey,
      String obfuscatedKey,
      byte[] plaintext,
      long version,
      byte[] storable,
      byte[] dataKey,
      byte[] obfuscationMasterKey) {
    /** The AAD bytes the row was sealed with. */
    public byte[] aad() {
      switch (mode) {
        case "storage_key":
          return obfuscatedKey.getBytes(StandardCharsets.UTF_8);
        case "caller_key":
          return callerKey.getBytes(StandardCharsets.UTF_8);
        case "empty":
          return new byte[0];
        default:
          throw new IllegalStateException("unknown mode " + mode);
      }
    }
  }

  private DeployedClientVectors() {}

  /** Every row of the file, in order. */
  public static List<Row> rows() {
    String text;
    try (InputStream in = DeployedClientVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HexFormat hex = HexFormat.of();
    return text.lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(
            line -> {
              String[] f = line.split("\t", -1);
              if (f.length != 8) {
                throw new IllegalStateException("expected 8 columns: " + line);
              }
              return new Row(
                  f[0],
                  f[1],
                  f[2],
                  hex.parseHex(f[3]),
                  Long.parseLong(f[4]),
                  hex.parseHex(f[5]),
                  hex.parseHex(f[6]),
                  hex.parseHex(f[7]));
            })
        .toList();
  }
}
