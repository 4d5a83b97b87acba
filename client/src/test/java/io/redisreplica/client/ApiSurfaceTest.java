package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.redisreplica.testkit.ApiSurface;

/** The API package and its internals stay apart (Chronicle's {@code impl} convention). */
class ApiSurfaceTest {
    private static final String IMPL = "io.redisreplica.client.impl";

    @Test
    void shouldExposeNoInternalTypeInAPublicSignature() throws Exception {
        assertEquals(List.of(), ApiSurface.leaks(ReplicationClient.class, "io.redisreplica.client", IMPL));
    }

    @Test
    void shouldHaveTheApiTestUseNoInternalPackage() throws Exception {
        final Path source = Path.of("src/test/java/io/redisreplica/client/api/PublicApiIntegrationTest.java");
        final String text = Files.readString(source);
        assertFalse(text.contains("import " + IMPL), "imports of " + IMPL + " in " + source);
        assertFalse(text.contains("package io.redisreplica.client;"), "the API test must sit outside the API package");
    }
}
