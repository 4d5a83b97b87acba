package io.redisreplica.tools;

import picocli.CommandLine.Command;

@Command(name = "rdb", mixinStandardHelpOptions = true, description = "Inspect, split and dump RDB files.")
// its subcommands are added by CommandTree: only the one a start names is built
final class RdbCommand {
}
