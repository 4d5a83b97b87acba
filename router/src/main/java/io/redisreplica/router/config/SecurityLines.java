package io.redisreplica.router.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.redisreplica.router.tls.TlsSettings;

/**
 * The directives of TLS and authentication: which ends speak TLS ({@code upstream-tls},
 * {@code upstream-sentinel-tls}, {@code shard-tls}, {@code admin-tls}), the files and choices they share ({@code tls-*}, as Redis
 * names them), the shards' users and the admin port's password. Handlers of {@link ConfigParser}'s
 * table, and the checks across their lines once the file is read.
 */
final class SecurityLines {
    static final String SHARD_USER_USAGE = "shard-user SHARD NAME [SECRET] (SECRET here or in shard-password)";

    private SecurityLines() {
    }

    static boolean yesNo(Directive.Line line, String directive) {
        return switch (line.arg()) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new ConfigException(line.where() + directive + " '" + line.arg() + "' is not yes or no");
        };
    }

    static Path file(Directive.Line line) {
        return Path.of(line.arg());
    }

    static void authClients(ConfigDraft d, Directive.Line line) {
        try {
            d.tlsAuthClients = TlsSettings.ClientAuth.valueOf(line.arg().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(line.where() + "tls-auth-clients '" + line.arg() + "' is not yes, no or optional");
        }
    }

    /** {@code upstream-sentinel-tls yes|no}: the sentinels' ports speak TLS; its line, for the check that upstream-sentinel is there. */
    static void sentinelTls(ConfigDraft d, Directive.Line line) {
        d.sentinelTls = yesNo(line, "upstream-sentinel-tls");
        d.sentinelTlsLine = line.number();
    }

    /** {@code shard-tls yes|no} for every shard, or {@code shard-tls A,B} for those shards only. */
    static void shardTls(ConfigDraft d, Directive.Line line) {
        d.shardTlsLine = line.number();
        d.shardTls.clear();
        switch (line.arg()) {
            case "yes" -> d.shardTlsAll = true;
            case "no" -> d.shardTlsAll = false;
            default -> {
                d.shardTlsAll = false;
                d.shardTls.addAll(List.of(line.arg().split(",")));
            }
        }
    }

    /** {@code shard-user SHARD NAME [SECRET]}: the user a shard's replicas AUTH as, with its password here or in shard-password. */
    static void shardUser(ConfigDraft d, Directive.Line line) {
        final List<String> words = ConfigWords.split(line.rest(), line.where());
        if (words.size() < 2) {
            throw new ConfigException(line.where() + "missing argument: " + SHARD_USER_USAGE);
        }
        if (words.size() > 3) {
            throw new ConfigException(line.where() + "shard-user takes 2 or 3 arguments, unexpected word 5 (expected: "
                + SHARD_USER_USAGE + ")");
        }
        d.shardUsers.put(words.get(0), words.get(1));
        if (words.size() == 3) {
            d.shardPasswords.put(words.get(0), Secrets.password(words.get(2), line.where()));
        }
    }

    /** The TLS files and choices, or null when no end speaks TLS. */
    static TlsSettings settings(ConfigDraft d, String source) {
        final boolean anyTls = d.upstreamTls || d.sentinelTls || d.adminTls || d.shardTlsAll || !d.shardTls.isEmpty()
            || d.sinks.stream().anyMatch(SinkConfig::tls);
        if (!anyTls) {
            return null;
        }
        if ((d.tlsCert == null) != (d.tlsKey == null)) {
            throw new ConfigException(source + ": tls-cert-file and tls-key-file go together (a certificate and its private key)");
        }
        if ((d.tlsClientCert == null) != (d.tlsClientKey == null)) {
            throw new ConfigException(source + ": tls-client-cert-file and tls-client-key-file go together");
        }
        final boolean listens = d.adminTls || d.shardTlsAll || !d.shardTls.isEmpty();
        if (listens && d.tlsCert == null) {
            throw new ConfigException(source + ": " + (d.adminTls ? "admin-tls" : "shard-tls")
                + " needs tls-cert-file and tls-key-file (the certificate the port shows)");
        }
        if (listens && d.tlsAuthClients != TlsSettings.ClientAuth.NO && d.tlsCa == null) {
            throw new ConfigException(source + ": tls-auth-clients " + d.tlsAuthClients.name().toLowerCase(Locale.ROOT)
                + " needs tls-ca-cert-file (the CAs of the clients' certificates), or set tls-auth-clients no");
        }
        return new TlsSettings(d.tlsCert, d.tlsKey, d.tlsCa, d.tlsClientCert, d.tlsClientKey, d.tlsAuthClients, d.tlsVerifyHostname);
    }
}
