package dev.vss.protocol.auth;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;

/**
 * The secp256k1 parameters both sides of the signature scheme share (the signer here, the verifier
 * in {@code vss-core}'s {@code SignatureAuthorizer}). Bouncy Castle's custom curve implementation
 * is used because it has constant-time field arithmetic and the GLV endomorphism.
 */
public final class Secp256k1 {
  /** The curve with its generator and order. */
  public static final ECDomainParameters DOMAIN;

  /** The curve itself, for decoding points. */
  public static final ECCurve CURVE;

  /** The group order n. */
  public static final BigInteger N;

  /**
   * The largest "low" s: floor(n / 2). libsecp256k1 (which the reference server uses) refuses to
   * verify a signature whose s is above this, so we refuse it too and only ever produce low s.
   */
  public static final BigInteger HALF_N;

  /** Length of a compressed public key in bytes. */
  public static final int PUBLIC_KEY_BYTES = 33;

  /** Length of a compact r || s signature in bytes. */
  public static final int SIGNATURE_BYTES = 64;

  static {
    X9ECParameters params = CustomNamedCurves.getByName("secp256k1");
    DOMAIN = new ECDomainParameters(params);
    CURVE = DOMAIN.getCurve();
    N = DOMAIN.getN();
    HALF_N = N.shiftRight(1);
  }

  private Secp256k1() {}
}
