package io.redisreplica.router.config;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import io.redisreplica.api.ValueTransform;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.ValueRules;

/**
 * User code named in the config: a class found with {@link ServiceLoader} in a jar, or on the
 * router's class path. Loading it runs user code ({@code open}), so it is a step of its own that
 * whoever wires the router takes, never a side effect of reading the config.
 */
public final class Plugins {
    private Plugins() {
    }

    /**
     * The config's value rules ({@code drop type|value|larger-than}, {@code transform}), each
     * transform loaded and opened with its line's options: a new set on every call, since a
     * transform serves one thread. Null when the config has none.
     *
     * @throws IllegalArgumentException when a transform cannot be found or its {@code open} fails
     */
    public static ValueRules openValueRules(RouterConfig config) {
        if (!config.hasValueRules()) {
            return null;
        }
        final List<ValueTransform> loaded = new ArrayList<>();
        for (Map<String, String> options : config.transforms()) {
            final String className = options.get("class");
            final ValueTransform t = load(ValueTransform.class, className, options.get("jar"), "transform " + className);
            try {
                t.open(options);
            } catch (Exception e) {
                throw new IllegalArgumentException("transform " + className + ": open failed: " + e.getMessage(), e);
            }
            loaded.add(t);
        }
        final List<KeyMatcher> values = config.droppedValues();
        final KeyMatcher anyValue = values.isEmpty() ? null : new KeyMatcher() {
            @Override
            public boolean matches(byte[] key, int offset, int length) {
                for (KeyMatcher m : values) {
                    if (m.matches(key, offset, length)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public String describe() {
                return "value";
            }
        };
        return new ValueRules(config.droppedTypes(), anyValue, config.largerThan(), loaded);
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
