package io.redisreplica.router.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What keeps secrets out of the config file: {@code ${NAME}} takes an environment variable's
 * value ({@code $${} is a literal {@code ${}, for a regex replacement's named group), and a
 * password written as {@code password-file=PATH} is read from that file (its content without
 * the line break that ends it: what {@code echo secret > file} and Docker/Kubernetes secrets
 * give). Errors name the file and line and never the value.
 */
final class Secrets {
    static final String FILE_FORM = "password-file=";

    private Secrets() {
    }

    /**
     * {@code line} with each {@code ${NAME}} replaced by {@code env}'s value.
     *
     * @throws ConfigException naming the variable when it is not set or not closed
     */
    static String expand(String line, Function<String, String> env, String where) {
        if (line.indexOf('$') < 0) {
            return line;
        }
        final StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            if (line.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (line.startsWith("${", i)) {
                final int end = line.indexOf('}', i + 2);
                if (end < 0) {
                    throw new ConfigException(where + "${ at column " + (i + 1) + " is never closed with } (write $${ for a literal ${)");
                }
                final String name = line.substring(i + 2, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ConfigException(where + "'${" + name + "}' is not an environment variable name (letters, digits, _; "
                        + "write $${ for a literal ${)");
                }
                final String value = env.apply(name);
                if (value == null) {
                    throw new ConfigException(where + "environment variable " + name + " is not set");
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(line.charAt(i++));
            }
        }
        return out.toString();
    }

    /** A password word as written, or the content of the file a {@code password-file=PATH} word names. */
    static String password(String word, String where) {
        if (!word.startsWith(FILE_FORM)) {
            return word;
        }
        final Path file = Path.of(word.substring(FILE_FORM.length()));
        final String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(where + "cannot read password file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(where + "cannot read password file " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException(where + "cannot read password file " + file + ": " + e.getClass().getSimpleName());
        }
        final String password = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
            : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        if (password.isEmpty()) {
            throw new ConfigException(where + "password file " + file + " is empty");
        }
        return password;
    }
}
