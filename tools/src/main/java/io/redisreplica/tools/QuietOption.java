package io.redisreplica.tools;

import picocli.CommandLine.Option;

/** {@code --quiet}, the same on every command that shows progress on stderr: a picocli mixin. */
final class QuietOption {
    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    /** Whether progress is left out. */
    boolean on() {
        return quiet;
    }
}
