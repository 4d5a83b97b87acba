package io.redisreplica.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.redisreplica.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "verify", mixinStandardHelpOptions = true,
    header = "Check that a journal reads back whole and consistent (exit 1 when not).",
    description = {"Check that every entry reads back, offsets are contiguous and checkpoints point inside the entries.",
        "Exit 1 when not, 3 when DIR is not a journal."})
final class JournalVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Option(names = "--json", description = "The result as one JSON object: journal, shards, consistent, problems.")
    boolean json;

    @Override
    public Integer call() {
        try (Journal journal = JournalCommand.open(dir)) {
            final List<String> problems = JournalInspector.verify(journal);
            if (json) {
                try (JsonOut j = new JsonOut(spec.commandLine().getOut())) {
                    final JsonGenerator g = j.json();
                    g.writeStartObject();
                    g.writeStringProperty("journal", dir.toString());
                    g.writeNumberProperty("shards", journal.shardNames().size());
                    g.writeBooleanProperty("consistent", problems.isEmpty());
                    g.writeName("problems");
                    g.writeStartArray();
                    for (String p : problems) {
                        g.writeString(p);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                    j.endLine();
                }
                return problems.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
            }
            if (problems.isEmpty()) {
                spec.commandLine().getOut().printf("journal %s: %d shards, consistent%n", dir, journal.shardNames().size());
                return ExitCodes.OK;
            }
            problems.forEach(p -> spec.commandLine().getErr().println("problem: " + p));
            return ExitCodes.CHECK_FAILED;
        }
    }
}
