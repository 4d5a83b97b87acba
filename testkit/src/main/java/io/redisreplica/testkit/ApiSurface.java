package io.redisreplica.testkit;

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

/**
 * What a module's public packages expose, for the tests that keep an API apart from its internals
 * (Chronicle's {@code impl} convention): every public or protected signature of every public class
 * of a package, nested ones included, read from the compiled classes.
 */
public final class ApiSurface {
    private ApiSurface() {
    }

    /** Every class of {@code pkg} (nested ones included) in the classes directory or jar {@code anchor} came from. */
    public static List<Class<?>> classes(Class<?> anchor, String pkg) throws IOException, URISyntaxException, ClassNotFoundException {
        final Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve(pkg.replace('.', '/')))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                final String name = f.getFileName().toString();
                if (!name.equals("package-info.class")) {
                    classes.add(Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length())));
                }
            }
        }
        return classes;
    }

    /**
     * Where a public class of {@code pkg} names a type of {@code internal} in a public or protected
     * signature, its supertypes or its record components, as {@code class: type}; empty when none.
     */
    public static List<String> leaks(Class<?> anchor, String pkg, String internal) throws IOException, URISyntaxException,
        ClassNotFoundException {
        final List<String> leaks = new ArrayList<>();
        for (Class<?> c : classes(anchor, pkg)) {
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            for (Type t : exposed(c)) {
                if (t != null && t.getTypeName().contains(internal)) {
                    leaks.add(c.getName() + ": " + t.getTypeName());
                }
            }
        }
        return leaks;
    }

    private static List<Type> exposed(Class<?> c) {
        final List<Type> types = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            if (visible(m.getModifiers())) {
                types.add(m.getGenericReturnType());
                signature(m, types);
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (visible(k.getModifiers())) {
                signature(k, types);
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (visible(f.getModifiers())) {
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
        return types;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void signature(Executable e, List<Type> into) {
        into.addAll(List.of(e.getGenericParameterTypes()));
        into.addAll(List.of(e.getGenericExceptionTypes()));
    }
}
