package io.redisreplica.router.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a config line into words as redis.conf does for values with spaces: a word that starts
 * with {@code "} runs to the matching {@code "} and takes the escapes {@code \"} {@code \\}
 * {@code \n} {@code \r} {@code \t}; one that starts with {@code '} runs to the next {@code '}
 * ({@code \'} escapes it); any other word runs to the next space and is taken as written, so
 * regexes keep their backslashes. A closing quote must end the word.
 */
final class ConfigWords {
    private ConfigWords() {
    }

    /**
     * @param where prefixes an error (file and line)
     * @throws ConfigException on unbalanced quotes or an unknown escape
     */
    static List<String> split(String line, String where) {
        final List<String> words = new ArrayList<>();
        int i = 0;
        final int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return words;
            }
            final char first = line.charAt(i);
            if (first != '"' && first != '\'') {
                final int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                words.add(line.substring(start, i));
                continue;
            }
            final StringBuilder word = new StringBuilder();
            final int open = i++;
            while (true) {
                if (i >= n) {
                    throw new ConfigException(where + "unbalanced quotes: " + first + " at column " + (open + 1)
                        + " is never closed");
                }
                final char c = line.charAt(i++);
                if (c == first) {
                    break;
                }
                if (c != '\\') {
                    word.append(c);
                    continue;
                }
                if (i >= n) {
                    throw new ConfigException(where + "unbalanced quotes: " + first + " at column " + (open + 1)
                        + " is never closed");
                }
                final char e = line.charAt(i++);
                if (first == '\'') {
                    word.append(e == '\'' ? "'" : "\\" + e);
                    continue;
                }
                switch (e) {
                    case '"', '\\' -> word.append(e);
                    case 'n' -> word.append('\n');
                    case 'r' -> word.append('\r');
                    case 't' -> word.append('\t');
                    default -> throw new ConfigException(where + "unknown escape \\" + e + " at column " + (i - 1)
                        + " (inside \"...\": \\\" \\\\ \\n \\r \\t)");
                }
            }
            if (i < n && !Character.isWhitespace(line.charAt(i))) {
                throw new ConfigException(where + "closing quote at column " + i + " must be followed by a space");
            }
            words.add(word.toString());
        }
    }
}
