/**
 * What user code implements and sees: {@link io.redisreplica.api.EventSink}, loaded with {@link
 * java.util.ServiceLoader} from a jar the router's config names, receives {@link
 * io.redisreplica.api.KeyEvent}s read from a shard's journal. Depends on nothing, so a sink jar
 * compiles against this one jar.
 *
 * <p>Compatibility, since the event kinds: {@code KeyEvent} gained two components, {@code kind}
 * and {@code keyType} (null unless the sink's line asks for {@code kinds=}); the seven-argument
 * constructor of earlier versions remains. Two changes a sink may notice: {@code equals} and
 * {@code hashCode} compare the key and the arguments by content (they compared the arrays' identity,
 * as a record does), and {@code toString} is a short line (it printed the arrays' identities).
 */
package io.redisreplica.api;
