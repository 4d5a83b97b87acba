package io.redisreplica.router.config;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** User code named in the config: a class found with {@link ServiceLoader} in a jar, or on the router's class path. */
public final class Plugins {
    private Plugins() {
    }

    /**
     * A new instance of {@code className}, a provider of {@code type} in {@code jar} (null: the
     * router's own class path).
     *
     * @param what names the config line in errors ("sink audit", "transform")
     */
    public static <T> T load(Class<T> type, String className, String jar, String what) {
        final ClassLoader loader;
        try {
            loader = jar == null ? Plugins.class.getClassLoader()
                : new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, type.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(what + ": jar " + jar + ": " + e.getMessage(), e);
        }
        final List<ServiceLoader.Provider<T>> found = ServiceLoader.load(type, loader).stream().toList();
        return found.stream().filter(p -> p.type().getName().equals(className)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(what + ": no " + type.getSimpleName() + " " + className + " in "
                + (jar == null ? "the class path" : jar) + " (META-INF/services/" + type.getName() + " lists "
                + found.stream().map(p -> p.type().getName()).collect(Collectors.joining(", ", "[", "]")) + ")"))
            .get();
    }
}
