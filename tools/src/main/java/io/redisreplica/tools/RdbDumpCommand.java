package io.redisreplica.tools;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbVisitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Every entry of an RDB file as a JSON line: db, key, type, encoding, expiry, LRU/LFU, offset and value size.",
        "Values are not decoded (the value decoder is not built yet)."})
final class RdbDumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file.")
    Path file;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        try (InputStream in = Files.newInputStream(file)) {
            new RdbReader().read(in, new RdbVisitor() {
                @Override
                public void onEntryEnd(RdbEntry e) {
                    out.println("{\"db\":" + e.db() + ",\"key\":" + Json.string(e.keyString())
                        + ",\"type\":" + Json.string(RdbConstants.dataType(e.type()))
                        + ",\"encoding\":" + Json.string(RdbConstants.typeName(e.type()))
                        + (e.expireAtMs() >= 0 ? ",\"expire_at_ms\":" + e.expireAtMs() : "")
                        + (e.idle() >= 0 ? ",\"idle\":" + e.idle() : "")
                        + (e.freq() >= 0 ? ",\"freq\":" + e.freq() : "")
                        + ",\"offset\":" + e.offset() + ",\"value_bytes\":" + e.valueLength() + "}");
                }
            });
        }
        out.flush();
        return ExitCodes.OK;
    }
}
