package io.redisreplica.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerContextTest {
    @Test
    void shouldNameTheSettingThatIsWrong() {
        assertEquals("source (what the server serves) is not set",
            assertThrows(NullPointerException.class, () -> new ServerContext().conclude()).getMessage());
        final ReplicationBacklog source = new ReplicationBacklog(1024);
        assertEquals("port=70000 (expected: 0..65535)",
            assertThrows(IllegalArgumentException.class, () -> new ServerContext().source(source).port(70000).conclude()).getMessage());
        assertEquals("maxClients=0 (expected: 1..2147483647)",
            assertThrows(IllegalArgumentException.class, () -> new ServerContext().source(source).maxClients(0).conclude()).getMessage());
        assertEquals("requirePass is empty (expected: null for no password, or a password)",
            assertThrows(IllegalArgumentException.class, () -> new ServerContext().source(source).requirePass("").conclude()).getMessage());
        assertEquals("requireUser=replicator (expected: a user name, with requirePass its password; null for the default user)",
            assertThrows(IllegalArgumentException.class, () -> new ServerContext().source(source).requireUser("replicator").conclude())
                .getMessage());
        assertEquals("policy is not set",
            assertThrows(NullPointerException.class, () -> new ServerContext().source(source).policy(null).conclude()).getMessage());
    }
}
