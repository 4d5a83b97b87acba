/**
 * What user code implements and sees: {@link io.redisreplica.api.EventSink}, loaded with {@link
 * java.util.ServiceLoader} from a jar the router's config names, receives {@link
 * io.redisreplica.api.KeyEvent}s read from a shard's journal. Depends on nothing, so a sink jar
 * compiles against this one jar.
 */
package io.redisreplica.api;
