package io.redisreplica.tools;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

@Command(name = "redis-replica", mixinStandardHelpOptions = true, version = "redis-replica 0.1.0-SNAPSHOT",
    description = "One Redis replica link, split by a shard map into N virtual masters, with a durable journal.",
    subcommands = {RunCommand.class, StatusCommand.class, RdbCommand.class, JournalCommand.class, ReplayCommand.class, CompareCommand.class, CutoverCommand.class, DemoCommand.class,
        AutoComplete.GenerateCompletion.class},
    footer = {"", "Exit codes: 0 done, 1 check failed, 2 usage, 3 bad input (RDB, config, journal), 4 environment (I/O, ports, binaries),",
        "5 run refused: the shard map differs from the journal's (see run --help),",
        "6 the router stopped by itself on a fault it cannot recover from (see the log's ERROR line)."})
final class RootCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: run, rdb, journal or demo (see --help)");
    }
}
