package io.redisreplica.router.config;

import java.util.function.BiConsumer;

/**
 * One row of {@link ConfigParser}'s table: a directive's name, how its words are taken, its
 * usage (named in errors) and what it does with them.
 *
 * @param arity how many words follow the name, quote-aware and checked (fewer or more is an
 *     error), or {@link #REST}: the rest of the line as written, for lines of {@code key=value}
 *     words and regexes, which their handler reads itself
 */
record Directive(String name, int arity, String usage, BiConsumer<ConfigParser, Line> handler) {
    static final int REST = -1;

    /**
     * A directive's line as its handler gets it.
     *
     * @param where {@code FILE:LINE: }, the prefix of every error about this line
     * @param args the words after the name, when the directive has an arity; else empty
     * @param rest the line after the name, trimmed, as written (comments removed)
     */
    record Line(String where, int number, String[] args, String rest) {
        /** The only word of a one-word directive. */
        String arg() {
            return args[0];
        }

        /** The rest of the line as words, quote-aware ({@link ConfigWords}): none when it is empty. */
        String[] quotedWords() {
            return ConfigWords.split(rest, where).toArray(String[]::new);
        }

        /** The rest of the line as words split at whitespace (no quoting): none when it is empty. */
        String[] words(int limit) {
            return rest.isEmpty() ? new String[0] : rest.split("\\s+", limit);
        }
    }
}
