package io.redisreplica.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

@Command(name = "redis-replica", mixinStandardHelpOptions = true, version = "redis-replica 0.1.0-SNAPSHOT",
    description = "One Redis replica link, split by a shard map into N virtual masters, with a durable journal.")
// its subcommands are added by CommandTree: only the one a start names is built
final class RootCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: " + String.join(", ", spec.subcommands().keySet()) + " (see --help)");
    }
}
