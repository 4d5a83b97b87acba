package io.redisreplica.tools;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

@Command(name = "redis-replica", mixinStandardHelpOptions = true, version = "redis-replica 0.1.0-SNAPSHOT",
    description = "One Redis replica link, split by a shard map into N virtual masters, with a durable journal.",
    subcommands = {RunCommand.class, StatusCommand.class, RdbCommand.class, JournalCommand.class, ReplayCommand.class, CompareCommand.class, CutoverCommand.class, DemoCommand.class,
        AutoComplete.GenerateCompletion.class})
final class RootCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: " + String.join(", ", spec.subcommands().keySet()) + " (see --help)");
    }
}
