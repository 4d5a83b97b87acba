package io.redisreplica.router.routing;

import java.util.function.LongSupplier;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.router.support.SpillFiles;

/**
 * What a {@link CommandRouter} is made of: the shard map, the cross-shard policy and where
 * entries go are required ({@link CommandRouter#builder}); the rest is optional. Replaces the
 * router's telescoping constructors and its setters: a router is whole once built.
 */
public final class CommandRouterBuilder {
    final ShardMap map;
    final CrossShardPolicy policy;
    final ShardAppender appender;
    CommandTable table = new CommandTable();
    KeyRewriter[] rewriters;
    ValueRules rules;
    MasterReader reader;
    LongSupplier clock = System::currentTimeMillis;
    SpillFiles spill = SpillFiles.temporary();

    CommandRouterBuilder(ShardMap map, CrossShardPolicy policy, ShardAppender appender) {
        this.map = map;
        this.policy = policy;
        this.appender = appender;
    }

    /** The command table (default: the built-in one); the router teaches it the master's commands. */
    public CommandRouterBuilder table(CommandTable value) {
        this.table = value;
        return this;
    }

    /** Each shard's key rewriting, by shard index (null, or a null element, for none). */
    public CommandRouterBuilder rewriters(KeyRewriter[] value) {
        this.rewriters = value;
        return this;
    }

    /** The config's value rules (type and value filters, transforms), or null for none. */
    public CommandRouterBuilder rules(ValueRules value) {
        this.rules = value;
        return this;
    }

    /** Where cross-shard commands read the master's values ({@link CrossShardPolicy#TRANSLATE} needs one). */
    public CommandRouterBuilder reader(MasterReader value) {
        this.reader = value;
        return this;
    }

    /** The clock that turns relative times to live into absolute ones (tests set their own). */
    public CommandRouterBuilder clock(LongSupplier value) {
        this.clock = value;
        return this;
    }

    /** Where a command, transaction or read value past the heap limit is held (default: {@code java.io.tmpdir}). */
    public CommandRouterBuilder spill(SpillFiles value) {
        this.spill = value;
        return this;
    }

    public CommandRouter build() {
        return new CommandRouter(this);
    }
}
