package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.testkit.RdbCorpus;

/** Decoded values against the expected outputs that sit beside corpus dumps (librdb's *_data.json). */
class RdbValueDecoderTest {
    static Stream<Arguments> oracles() throws IOException {
        final Path dir = RdbCorpus.dir().resolve("librdb/test/dumps");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_data.json"))
                .map(n -> n.substring(0, n.length() - "_data.json".length()))
                .filter(base -> Files.exists(dir.resolve(base + ".rdb")) && !base.startsWith("module"))
                .sorted().map(base -> Arguments.of(base, dir.resolve(base + ".rdb"), dir.resolve(base + "_data.json")))
                .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracles")
    void shouldDecodeLikeTheExpectedOutput(String name, Path rdb, Path json) throws IOException {
        final DecodedValues decoded = new DecodedValues();
        try (InputStream in = Files.newInputStream(rdb)) {
            new RdbReader().read(in, decoded);
        }
        String text = Files.readString(json, StandardCharsets.UTF_8).trim();
        if (!text.startsWith("{") && !text.startsWith("[")) {
            text = "{" + text + "}";
        }
        final Object parsed = MiniJson.parse(text);
        final Map<String, Object> expected = new TreeMap<>();
        final List<Object> dbs = parsed instanceof List<?> l ? new ArrayList<>(l) : List.of(parsed);
        for (Object db : dbs) {
            ((Map<?, ?>) db).forEach((k, v) -> {
                if (!"__aux__".equals(k)) {
                    expected.put((String) k, v);
                }
            });
        }
        final Map<String, Object> actual = new TreeMap<>();
        decoded.values.forEach((k, v) -> actual.put(k.substring(k.indexOf('/') + 1), v));
        assertEquals(expected.keySet(), actual.keySet(), name + ": keys");
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            final Object want = e.getValue();
            final Object got = actual.get(e.getKey());
            if (want instanceof String) {
                assertEquals(want, got, name + " " + e.getKey());
            } else if (want instanceof List<?> list) {
                final List<String> w = new ArrayList<>();
                list.forEach(o -> w.add((String) o));
                @SuppressWarnings("unchecked")
                final List<String> g = new ArrayList<>((List<String>) got);
                if (!w.equals(g)) { // a set: order is the encoding's
                    w.sort(null);
                    g.sort(null);
                }
                assertEquals(w, g, name + " " + e.getKey());
            } else {
                final Map<?, ?> w = (Map<?, ?>) want;
                final Map<?, ?> g = (Map<?, ?>) got;
                assertEquals(w.keySet(), g.keySet(), name + " " + e.getKey());
                for (Object field : w.keySet()) {
                    final Object gv = g.get(field);
                    if (gv instanceof Double d) {
                        final String scoreText = (String) w.get(field);
                        final double want2 = scoreText.equals("inf") ? Double.POSITIVE_INFINITY
                            : scoreText.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(scoreText);
                        assertEquals(want2, d, Double.isInfinite(d) ? 0 : Math.abs(d) * 1e-15, name + " " + field);
                    } else {
                        assertEquals(w.get(field), gv, name + " " + e.getKey() + " " + field);
                    }
                }
            }
        }
        assertTrue(!expected.isEmpty(), name + ": an empty oracle proves nothing");
    }
}
