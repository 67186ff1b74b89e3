package dev.vss.client.ldk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BIP-0032's published test vectors 1 and 2 (bitcoin/bips, bip-0032.mediawiki): for every chain,
 * the private key and chain code of the {@code xprv} and the public key of the {@code xpub}. The
 * serialized keys are decoded here with their Base58Check checksum verified, so a mistyped vector
 * fails instead of passing.
 */
class Bip32PrivateKeyTest {
  private static final String SEED_1 = "000102030405060708090a0b0c0d0e0f";
  private static final String SEED_2 =
      "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a2"
          + "9f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542";

  @ParameterizedTest(name = "{1} of seed {0}")
  @CsvSource({
    "1, m, xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8, xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
    "1, m/0H, xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw, xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7",
    "1, m/0H/1, xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ, xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs",
    "1, m/0H/1/2H, xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5, xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
    "1, m/0H/1/2H/2, xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV, xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334",
    "1, m/0H/1/2H/2/1000000000, xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy, xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76",
    "2, m, xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB, xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U",
    "2, m/0, xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH, xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt",
    "2, m/0/2147483647H, xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a, xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9",
    "2, m/0/2147483647H/1, xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon, xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef",
    "2, m/0/2147483647H/1/2147483646H, xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL, xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc",
    "2, m/0/2147483647H/1/2147483646H/2, xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt, xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j",
  })
  void derivesThePublishedVectors(int vector, String path, String xpub, String xprv) {
    byte[] seed = HexFormat.of().parseHex(vector == 1 ? SEED_1 : SEED_2);
    byte[] prv = base58Check(xprv);
    byte[] pub = base58Check(xpub);
    assertThat(prv).hasSize(78);
    assertThat(prv[45]).isZero();

    Bip32PrivateKey key = Bip32PrivateKey.master(seed).derive(path);

    assertThat(key.chainCode()).isEqualTo(Arrays.copyOfRange(prv, 13, 45));
    assertThat(key.privateKey()).isEqualTo(Arrays.copyOfRange(prv, 46, 78));
    assertThat(key.publicKey()).isEqualTo(Arrays.copyOfRange(pub, 45, 78));
  }

  @Test
  void pathSyntaxAndSeedLengthAreChecked() {
    Bip32PrivateKey master = Bip32PrivateKey.master(new byte[16]);
    assertThat(master.derive("m/877'").privateKey())
        .isEqualTo(master.derive("m/877h").privateKey())
        .isEqualTo(master.child(877 + Bip32PrivateKey.HARDENED).privateKey());
    assertThat(master.derive("m").privateKey()).isEqualTo(master.privateKey());
    for (String bad : new String[] {"", "n/1", "m/", "m/x", "m/-1", "m/2147483648", "m/1''"}) {
      assertThatThrownBy(() -> master.derive(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Bip32PrivateKey.master(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bip32PrivateKey.master(new byte[65]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(master.toString()).doesNotContain(HexFormat.of().formatHex(master.privateKey()));
  }

  /** Base58Check decoding: the payload without its 4-byte checksum, which must verify. */
  static byte[] base58Check(String text) {
    String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    BigInteger value = BigInteger.ZERO;
    for (char c : text.toCharArray()) {
      int digit = alphabet.indexOf(c);
      assertThat(digit).as("base58 digit " + c).isNotNegative();
      value = value.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(digit));
    }
    byte[] raw = value.toByteArray();
    int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] full = new byte[zeros + raw.length - start];
    System.arraycopy(raw, start, full, zeros, raw.length - start);
    byte[] payload = Arrays.copyOfRange(full, 0, full.length - 4);
    byte[] checksum = Arrays.copyOfRange(full, full.length - 4, full.length);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest(sha.digest(payload));
      assertThat(Arrays.copyOf(hash, 4)).as("Base58Check checksum of " + text).isEqualTo(checksum);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return payload;
  }
}
