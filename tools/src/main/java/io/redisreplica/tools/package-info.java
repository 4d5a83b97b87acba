/**
 * The {@code redis-replica} launcher: picocli commands ({@code rdb info|split|dump},
 * {@code journal ls|tail|verify}, {@code demo}) over tool logic that lives apart from the CLI
 * ({@link io.redisreplica.tools.RdbStats}, {@link io.redisreplica.tools.JournalInspector}) so
 * code and tests use it without picocli. Exit codes are in {@link io.redisreplica.tools.ExitCodes}.
 */
package io.redisreplica.tools;
