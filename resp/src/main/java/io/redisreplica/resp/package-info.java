/**
 * RESP2 and RESP3, parsed once and never copied on the hot path.
 *
 * <ul>
 *   <li>{@link io.redisreplica.resp.CommandFramer} frames the replication stream (and client
 *       requests) into {@link io.redisreplica.resp.Command} flyweights: argument offsets over the
 *       received bytes, so a command is forwarded verbatim and only what routing needs is decoded.
 *   <li>{@link io.redisreplica.resp.RespDecoder} is the general event decoder for every RESP2/RESP3
 *       type, with bulk strings above a chunk size streamed in pieces instead of held whole.
 *   <li>{@link io.redisreplica.resp.RespWriter} encodes commands and replies.
 *   <li>{@link io.redisreplica.resp.RespClient} is the one blocking client of the side
 *       conversations with Redis (sinks, tools, the router's reads on the master, Sentinels):
 *       connect and read timeouts, plain or TLS through a {@link io.redisreplica.resp.Dialer}, AUTH,
 *       pipelined commands and replies read one at a time by {@link io.redisreplica.resp.RespReplies}.
 *       Not the replication link, whose handshake must not read past PSYNC's reply.
 * </ul>
 *
 * <p>Both decoders are resumable at any byte boundary: {@code decode(buffer, offset, length)}
 * returns the bytes consumed, 0 meaning "feed me more", and the caller presents the unconsumed
 * rest again with more bytes behind it. Every length has a cap in {@link
 * io.redisreplica.resp.RespDecoderContext}; a violation is a {@link
 * io.redisreplica.resp.RespProtocolException} that names what and at which stream offset.
 */
package io.redisreplica.resp;
