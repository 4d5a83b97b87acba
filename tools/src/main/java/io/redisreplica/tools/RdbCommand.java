package io.redisreplica.tools;

import picocli.CommandLine.Command;

@Command(name = "rdb", mixinStandardHelpOptions = true, description = "Inspect, split and dump RDB files.",
    subcommands = {RdbInfoCommand.class, RdbSplitCommand.class, RdbDumpCommand.class})
final class RdbCommand {
}
