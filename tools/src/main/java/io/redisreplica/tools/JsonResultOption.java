package io.redisreplica.tools;

import picocli.CommandLine.Option;

/**
 * {@code --json} of the commands whose result is one JSON object: a picocli mixin. The commands
 * whose JSON has another shape (a line per command, a line per entry) say so in their own option.
 */
final class JsonResultOption {
    @Option(names = "--json", description = "The result as one JSON object.")
    boolean json;

    /** Whether the result is printed as JSON. */
    boolean on() {
        return json;
    }
}
