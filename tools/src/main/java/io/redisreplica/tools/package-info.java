/**
 * The {@code redis-replica} launcher: picocli commands ({@code run}, {@code status},
 * {@code rdb info|split|dump}, {@code journal ls|tail|grep|verify}, {@code replay},
 * {@code compare}, {@code cutover}, {@code demo}) over tool logic that lives apart from the CLI
 * ({@link io.redisreplica.tools.RdbStats}, {@link io.redisreplica.tools.JournalInspector},
 * {@link io.redisreplica.tools.ReplayEngine}) so code and tests use it without picocli. Exit codes
 * are one table in {@link io.redisreplica.tools.ExitCodes}; every {@code --json} output goes
 * through {@code JsonOut} (jackson-core's streaming generator, binary-safe byte strings).
 */
package io.redisreplica.tools;
