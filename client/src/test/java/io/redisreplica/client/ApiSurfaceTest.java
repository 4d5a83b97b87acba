package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The API package and its internals stay apart (Chronicle's {@code impl} convention). */
class ApiSurfaceTest {
    private static final String IMPL = "io.redisreplica.client.impl";

    /** Every class of the API package, nested ones included, from the compiled classes. */
    private static List<Class<?>> apiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        final Path root = Path.of(ReplicationClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("io/redisreplica/client"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                final String name = f.getFileName().toString();
                if (!name.equals("package-info.class")) {
                    classes.add(Class.forName("io.redisreplica.client." + name.substring(0, name.length() - ".class".length())));
                }
            }
        }
        return classes;
    }

    @Test
    void shouldExposeNoInternalTypeInAPublicSignature() throws Exception {
        final List<String> leaks = new ArrayList<>();
        for (Class<?> c : apiClasses()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            final List<Type> types = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                    types.add(m.getGenericReturnType());
                    signature(m, types);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
                    signature(k, types);
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
                    types.add(f.getGenericType());
                }
            }
            if (c.isRecord()) {
                for (RecordComponent r : c.getRecordComponents()) {
                    types.add(r.getGenericType());
                }
            }
            types.add(c.getGenericSuperclass());
            types.addAll(List.of(c.getGenericInterfaces()));
            for (Type t : types) {
                if (t != null && t.getTypeName().contains(IMPL)) {
                    leaks.add(c.getName() + ": " + t.getTypeName());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static void signature(Executable e, List<Type> into) {
        into.addAll(List.of(e.getGenericParameterTypes()));
        into.addAll(List.of(e.getGenericExceptionTypes()));
    }

    @Test
    void shouldHaveTheApiTestUseNoInternalPackage() throws Exception {
        final Path source = Path.of("src/test/java/io/redisreplica/client/api/PublicApiIntegrationTest.java");
        final String text = Files.readString(source);
        assertFalse(text.contains("import " + IMPL), "imports of " + IMPL + " in " + source);
        assertFalse(text.contains("package io.redisreplica.client;"), "the API test must sit outside the API package");
    }
}
