package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.ToolProvider;

/** Builds a plugin jar in a test, as a user would: one class compiled against the api module, listed for ServiceLoader. */
public final class TestJars {
    private TestJars() {
    }

    /**
     * @param className the class's full name (its source declares that package)
     * @param service the interface it provides, named in META-INF/services
     */
    public static Path build(Path dir, String className, String source, Class<?> service) throws Exception {
        final String simple = className.substring(className.lastIndexOf('.') + 1);
        final String path = className.replace('.', '/');
        final Path src = Files.createDirectories(dir.resolve("src").resolve(path).getParent()).resolve(simple + ".java");
        Files.writeString(src, source);
        final Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
            System.getProperty("java.class.path"), src.toString()), className + " compiles");
        final Path jar = dir.resolve(simple + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(path + ".class"));
            out.write(Files.readAllBytes(classes.resolve(path + ".class")));
            out.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}
