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
 * </ul>
 *
 * <p>Both decoders are resumable at any byte boundary: {@code decode(buffer, offset, length)}
 * returns the bytes consumed, 0 meaning "feed me more", and the caller presents the unconsumed
 * rest again with more bytes behind it. Every length has a cap in {@link
 * io.redisreplica.resp.RespDecoderContext}; a violation is a {@link
 * io.redisreplica.resp.RespProtocolException} that names what and at which stream offset.
 */
package io.redisreplica.resp;
