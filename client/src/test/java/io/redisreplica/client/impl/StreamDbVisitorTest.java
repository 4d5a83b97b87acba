package io.redisreplica.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.redisreplica.rdb.RdbVisitor;

class StreamDbVisitorTest {
    @Test
    void shouldPassOnEveryCallbackOfRdbVisitorIncludingOnesAddedLater() {
        // a default method it does not override would be swallowed: the application's visitor never hears of it
        final List<String> missing = new ArrayList<>();
        for (Method m : RdbVisitor.class.getMethods()) {
            try {
                if (StreamDbVisitor.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass() != StreamDbVisitor.class) {
                    missing.add(m.getName());
                }
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertEquals(List.of(), missing);
    }
}
