package io.redisreplica.router.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The config file as text: read (a file that cannot be read says why), decoded as UTF-8 (a
 * comment may hold any bytes), and its comments recognised.
 */
final class ConfigText {
    private ConfigText() {
    }

    static String read(Path file) {
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("cannot read config " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot read config " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + (Files.isDirectory(file) ? "it is a directory" : e.toString()));
        }
        return decode(bytes, file.toString());
    }

    /**
     * The file as UTF-8, line by line; a comment may hold any bytes (it is dropped before
     * decoding), anything else that is not UTF-8 is an error naming the line and column.
     */
    static String decode(byte[] bytes, String source) {
        final StringBuilder text = new StringBuilder(bytes.length);
        int lineNo = 0;
        // a byte order mark some editors write is not part of the first directive
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        while (start <= bytes.length) {
            lineNo++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int content = end;
            for (int i = start; i < end; i++) {
                if (bytes[i] == '#' && (i == start || bytes[i - 1] == ' ' || bytes[i - 1] == '\t')) {
                    content = i;
                    break;
                }
            }
            try {
                text.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, content - start)));
            } catch (CharacterCodingException e) {
                int bad = start;
                while (bad < content && bytes[bad] >= 0) {
                    bad++;
                }
                throw new ConfigException(source + ":" + lineNo + ": not UTF-8: byte 0x"
                    + String.format("%02X", bytes[Math.min(bad, content - 1)] & 0xFF) + " near column " + (bad - start + 1)
                    + " (save the file as UTF-8; comments may hold any bytes)");
            }
            text.append('\n');
            start = end + 1;
        }
        return text.toString();
    }

    /** A line without its comment: a {@code #} starts one only at the start or after whitespace, so regexes may use it. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
