package io.redisreplica.router.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM as Redis and OpenSSL write it: certificates ({@code BEGIN CERTIFICATE}, one or a chain),
 * and unencrypted private keys in the three forms {@code openssl} produces: PKCS#8 ({@code BEGIN
 * PRIVATE KEY}, OpenSSL 3's default), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, {@code genrsa
 * -traditional} and OpenSSL 1.x) and SEC1 ({@code BEGIN EC PRIVATE KEY}, {@code ecparam
 * -genkey}). The JDK reads only PKCS#8, so the other two are wrapped in a PKCS#8 envelope here
 * (a few DER bytes: the algorithm's OID, for EC with the curve taken from the SEC1 key).
 */
final class PemFiles {
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
        0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private PemFiles() {
    }

    /** Every certificate of a PEM file, in order (a chain: the leaf first). */
    static List<X509Certificate> certificates(byte[] pem, String file) throws GeneralSecurityException {
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new GeneralSecurityException(file + ": holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        final List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new GeneralSecurityException(file + ": not a PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException(file + ": holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The private key of a PEM file (PKCS#8, PKCS#1 or SEC1; other blocks, such as EC PARAMETERS, are skipped). */
    static PrivateKey privateKey(byte[] pem, String file) throws GeneralSecurityException {
        final String text = new String(pem, StandardCharsets.US_ASCII);
        if (text.contains("ENCRYPTED")) {
            throw new GeneralSecurityException(file + ": the private key is encrypted; give it unencrypted, as Redis takes it "
                + "(openssl pkey -in " + file + " -out plain.key)");
        }
        final byte[] pkcs8;
        if (text.contains("-----BEGIN PRIVATE KEY-----")) {
            pkcs8 = block(text, "PRIVATE KEY", file);
        } else if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            pkcs8 = sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, octets(block(text, "RSA PRIVATE KEY", file)));
        } else if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            final byte[] sec1 = block(text, "EC PRIVATE KEY", file);
            pkcs8 = sequence(new byte[] {0x02, 0x01, 0x00}, sequence(EC_PUBLIC_KEY_OID, curve(sec1, file)), octets(sec1));
        } else {
            throw new GeneralSecurityException(file + ": holds no private key (expected -----BEGIN PRIVATE KEY-----, "
                + "RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // not this algorithm's key: try the next
            }
        }
        throw new GeneralSecurityException(file + ": a private key of an algorithm the JDK does not read (tried "
            + String.join(", ", KEY_ALGORITHMS) + ")");
    }

    private static byte[] block(String text, String label, String file) throws GeneralSecurityException {
        final String begin = "-----BEGIN " + label + "-----";
        final int start = text.indexOf(begin) + begin.length();
        final int end = text.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            throw new GeneralSecurityException(file + ": " + begin + " has no END line");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start, end));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(file + ": bad base64 in " + label + ": " + e.getMessage());
        }
    }

    /**
     * The curve OID of a SEC1 key ({@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET
     * STRING, [0] parameters OPTIONAL, ... }}, RFC 5915): the JDK's PKCS#8 reader needs it beside
     * the algorithm.
     */
    private static byte[] curve(byte[] sec1, String file) throws GeneralSecurityException {
        int at = headerEnd(sec1, 0); // inside the SEQUENCE
        while (at < sec1.length) {
            final int tag = sec1[at] & 0xFF;
            final int contentAt = headerEnd(sec1, at);
            final int end = contentAt + length(sec1, at);
            if (tag == 0xA0) {
                final byte[] oid = new byte[end - contentAt];
                System.arraycopy(sec1, contentAt, oid, 0, oid.length);
                return oid;
            }
            at = end;
        }
        throw new GeneralSecurityException(file + ": the EC key names no curve (write it with openssl ec -param_enc named_curve)");
    }

    /** Where the content of the DER element at {@code at} starts. */
    private static int headerEnd(byte[] der, int at) {
        final int first = der[at + 1] & 0xFF;
        return at + 2 + (first < 0x80 ? 0 : first & 0x7F);
    }

    private static int length(byte[] der, int at) {
        final int first = der[at + 1] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int n = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            n = (n << 8) | (der[at + 2 + i] & 0xFF);
        }
        return n;
    }

    private static byte[] octets(byte[] content) {
        return element(0x04, content);
    }

    private static byte[] sequence(byte[]... parts) {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return element(0x30, all.toByteArray());
    }

    private static byte[] element(int tag, byte[] content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        final int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
