package io.redisreplica.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.tls.TlsSettings;

/** {@code ${ENV}} and {@code password-file=} keep secrets out of the file; the TLS and ACL directives and their checks. */
class SecretsConfigTest {
    private static final String SHARD = "shard a 127.0.0.1:7001 prefix=x\n";
    private static final Map<String, String> ENV = Map.of("MASTER_PW", "s3cret from env", "HOST", "10.0.0.5", "EMPTY", "");

    @TempDir
    Path dir;

    private static RouterConfig parse(String text) {
        return ConfigParser.parse(text, "t", ENV::get);
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Test
    void shouldTakeEnvironmentVariablesAnywhereInALine() {
        final RouterConfig c = parse("upstream ${HOST}:6379\nupstream-password \"${MASTER_PW}\"\n" + SHARD
            + "rewrite a regex=^x(?<rest>.*)$ replace=y$${rest}   # ${NOT_SET} in a comment is not read\n");
        assertEquals("10.0.0.5", c.upstreamHost());
        assertEquals("s3cret from env", c.upstreamPassword());
        assertEquals("regex=^x(?<rest>.*)$ replace=y${rest}", c.describeRewrites("a"), "$${ is a literal ${");
    }

    @Test
    void shouldNameTheFileLineAndVariableThatIsNotSet() {
        assertEquals("t:2: environment variable NOT_SET is not set", error(SHARD + "upstream-password ${NOT_SET}"));
        assertEquals("t:2: ${ at column 19 is never closed with } (write $${ for a literal ${)", error(SHARD + "upstream-password ${X"));
        assertEquals("t:2: '${a-b}' is not an environment variable name (letters, digits, _; write $${ for a literal ${)",
            error(SHARD + "upstream-password ${a-b}"));
    }

    @Test
    void shouldReadEveryPasswordFromAFileWithoutItsLineBreak() throws Exception {
        final Path file = dir.resolve("pw");
        Files.writeString(file, "from a file\n");
        final RouterConfig c = parse(SHARD + "upstream-password password-file=" + file + "\nshard-password a password-file=" + file
            + "\nadmin-password password-file=" + file + "\nsink s xadd 127.0.0.1:6380 events password-file=" + file + "\n");
        assertEquals("from a file", c.upstreamPassword());
        assertEquals("from a file", c.shardPassword("a"));
        assertEquals("from a file", c.adminPassword());
        assertEquals("from a file", c.sinks().get(0).options().get("password"));
        assertFalse(c.sinks().get(0).options().containsKey("password-file"));
    }

    @Test
    void shouldSayWhyAPasswordFileCannotBeReadWithoutShowingAnyPassword() throws Exception {
        final Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals("t:2: cannot read password file " + dir.resolve("none") + ": no such file",
            error(SHARD + "upstream-password password-file=" + dir.resolve("none")));
        assertEquals("t:2: password file " + empty + " is empty", error(SHARD + "shard-password a password-file=" + empty));
    }

    @Test
    void shouldTakeAShardUsersPasswordOnItsOwnLine() throws Exception {
        final Path file = Files.writeString(dir.resolve("pw"), "pw-in-file");
        final RouterConfig c = parse(SHARD + "shard b 127.0.0.1:7002 prefix=y\nshard-user a replicator \"two words\"\n"
            + "shard-user b other password-file=" + file + "\n");
        assertEquals("replicator", c.shardUser("a"));
        assertEquals("two words", c.shardPassword("a"));
        assertEquals("other", c.shardUser("b"));
        assertEquals("pw-in-file", c.shardPassword("b"));
    }

    @Test
    void shouldReadTheTlsDirectives() {
        final RouterConfig c = parse("upstream-tls yes\ntls-cert-file /c.crt\ntls-key-file /c.key\ntls-ca-cert-file /ca.crt\n"
            + "tls-client-cert-file /cl.crt\ntls-client-key-file /cl.key\ntls-auth-clients optional\ntls-verify-hostname yes\n"
            + "admin 127.0.0.1:7100\nadmin-tls yes\nadmin-user ops\nadmin-password pw\nadmin-health-open yes\n"
            + SHARD + "shard b 127.0.0.1:7002 prefix=y\nshard-tls b\nsink s xadd 127.0.0.1:6380 events tls=yes\n");
        assertEquals(new TlsSettings(Path.of("/c.crt"), Path.of("/c.key"), Path.of("/ca.crt"), Path.of("/cl.crt"), Path.of("/cl.key"),
            TlsSettings.ClientAuth.OPTIONAL, true), c.tls());
        assertTrue(c.upstreamTls());
        assertFalse(c.shardTls("a"));
        assertTrue(c.shardTls("b"));
        assertTrue(c.adminTls());
        assertEquals("ops", c.adminUser());
        assertEquals("pw", c.adminPassword());
        assertTrue(c.adminHealthOpen());
        assertTrue(c.sinks().get(0).tls());
        assertNull(parse(SHARD).tls(), "no TLS end: no settings");
        assertTrue(parse(SHARD + "shard-tls no").tls() == null);
    }

    @Test
    void shouldRefuseTlsThatCannotWork() {
        assertEquals("t: shard-tls needs tls-cert-file and tls-key-file (the certificate the port shows)", error(SHARD + "shard-tls yes"));
        assertEquals("t: tls-cert-file and tls-key-file go together (a certificate and its private key)",
            error(SHARD + "upstream-tls yes\ntls-cert-file /c.crt"));
        assertEquals("t: tls-auth-clients yes needs tls-ca-cert-file (the CAs of the clients' certificates), or set tls-auth-clients no",
            error(SHARD + "admin-tls yes\ntls-cert-file /c.crt\ntls-key-file /c.key"));
        assertEquals("t:2: shard-tls names shard(s) [zz], which are not defined (or write shard-tls yes for every shard)",
            error(SHARD + "shard-tls a,zz\ntls-cert-file /c.crt\ntls-key-file /c.key\ntls-auth-clients no"));
        assertEquals("t:2: tls-auth-clients 'maybe' is not yes, no or optional", error(SHARD + "tls-auth-clients maybe"));
        assertEquals("t:2: upstream-tls 'on' is not yes or no", error(SHARD + "upstream-tls on"));
        assertEquals("t:2: sink s: tls=1 is not yes or no", error(SHARD + "sink s xadd 127.0.0.1:6380 e tls=1"));
        assertEquals("t: admin-user needs admin-password", error(SHARD + "admin-user ops"));
        assertTrue(parse(SHARD + "upstream-tls yes").tls() != null, "a client alone needs no files: the JDK's CAs");
    }
}
