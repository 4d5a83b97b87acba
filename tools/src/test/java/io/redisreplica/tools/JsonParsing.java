package io.redisreplica.tools;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Parses the tools' JSON back with a real parser that refuses duplicate names (the fault of the old hand-written output). */
final class JsonParsing {
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonParsing() {
    }

    /** One document. */
    static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    /** JSON Lines: one document per line, every line. */
    static List<JsonNode> lines(String text) {
        final List<JsonNode> docs = new ArrayList<>();
        text.lines().forEach(l -> docs.add(MAPPER.readTree(l)));
        return docs;
    }
}
