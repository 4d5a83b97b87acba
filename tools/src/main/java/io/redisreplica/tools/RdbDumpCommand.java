package io.redisreplica.tools;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbReaderContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dump", mixinStandardHelpOptions = true,
    header = "Every entry of an RDB file as a line of JSON, optionally filtered by key, type and db.",
    description = {"Each line: db, key, type, encoding, expire_at_ms, idle/freq (LRU/LFU), offset, the value and value_bytes.",
        "Values: a string; an array for lists and sets; an array of [member, score] pairs for zsets, [field, value] (and",
        "its expire_at_ms as a third element) for hashes; for streams an array of {id, fields: [[field, value], ...]}.",
        "Bytes that are not UTF-8 (in keys, values, fields) are written as {\"base64\": \"...\"}; --base64 writes every one",
        "as a base64 string. Scores that are not finite are the strings inf, -inf and nan."})
final class RdbDumpCommand implements Callable<Integer> {
    /** The types --type takes, as Redis's TYPE names them. */
    static final Set<String> TYPES = Set.of("string", "list", "set", "zset", "hash", "stream", "module");
    /**
     * JSON written to stdout 256 KB at a time: a dump writes several times the RDB's size (a write
     * per 8 KB was 750 000 system calls on the bench file), and a buffer that stays in the CPU's
     * cache is filled and written out without a trip to memory in between.
     */
    private static final int OUTPUT_BUFFER = 256 * 1024;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file.")
    Path file;

    @Option(names = "--key", paramLabel = "REGEX", description = "Only keys that match (found anywhere in the key read as UTF-8: anchor it).")
    Pattern key;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
        description = "Only keys of these types (repeat or separate with commas): string, list, set, zset, hash, stream, module.")
    List<String> types = new ArrayList<>();

    @Option(names = "--db", paramLabel = "N", split = ",", description = "Only keys of these databases (repeat or separate with commas).")
    List<Long> dbs = new ArrayList<>();

    @Option(names = "--no-values", negatable = false, description = "Leave values out (faster: they are not decoded).")
    boolean noValues;

    @Option(names = "--base64", description = "Every key, value, field and member as a base64 string (default: a JSON string when "
        + "the bytes are UTF-8, {\"base64\": \"...\"} when not).")
    boolean base64;

    @Mixin
    QuietOption quiet;

    @Override
    public Integer call() throws Exception {
        final Set<String> typeFilter = new TreeSet<>();
        for (String t : types) {
            if (!TYPES.contains(t.toLowerCase(java.util.Locale.ROOT))) {
                throw new ParameterException(spec.commandLine(), "--type " + t + ": not a type (one of " + new TreeSet<>(TYPES) + ")");
            }
            typeFilter.add(t.toLowerCase(java.util.Locale.ROOT));
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Progress progress = new Progress(spec.commandLine().getErr(), "dump " + file.getFileName(), Files.size(file));
        // the CRC64 on a thread of its own, beside the reading and the JSON writing threads
        final ExecutorService crc = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "rdb-dump-crc64");
            t.setDaemon(true);
            return t;
        });
        try (InputStream in = new CountingInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                 quiet.on() ? n -> { } : progress::update);
             JsonOut json = new JsonOut(out, base64, OUTPUT_BUFFER)) {
            // the JSON written on a second thread while this one reads on: see DumpHandOff
            final DumpHandOff handOff = new DumpHandOff(new RdbDumper(json, !noValues, key, typeFilter, new TreeSet<>(dbs))).start();
            try {
                new RdbReader(new RdbReaderContext().checksumExecutor(crc)).read(in, handOff);
            } catch (Throwable t) {
                try {
                    handOff.finish(); // the lines before the failure are written, as they were read
                } catch (RuntimeException | Error w) {
                    if (w != t) {
                        t.addSuppressed(w);
                    }
                }
                throw t;
            }
            handOff.finish();
        } finally {
            crc.shutdownNow();
        }
        out.flush();
        return ExitCodes.OK;
    }
}
