package io.redisreplica.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.redisreplica.testkit.ApiSurface;

/** The API and the SPI stay apart from the internals (Chronicle's {@code impl} convention). */
class ApiSurfaceTest {
    private static final String IMPL = "io.redisreplica.server.impl";

    @Test
    void shouldExposeNoInternalTypeInAPublicSignatureOfTheApi() throws Exception {
        assertTrue(ApiSurface.classes(ReplicationServer.class, "io.redisreplica.server").contains(ReplicationServer.class),
            "the API's classes are read");
        assertEquals(List.of(), ApiSurface.leaks(ReplicationServer.class, "io.redisreplica.server", IMPL));
    }

    @Test
    void shouldExposeNoInternalTypeInAPublicSignatureOfTheSpi() throws Exception {
        assertTrue(ApiSurface.classes(ReplicationServer.class, "io.redisreplica.server.spi").contains(io.redisreplica.server.spi.AckReader.class),
            "the SPI's classes are read");
        assertEquals(List.of(), ApiSurface.leaks(ReplicationServer.class, "io.redisreplica.server.spi", IMPL));
    }
}
