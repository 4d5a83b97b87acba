package io.redisreplica.client.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.redisreplica.client.MasterHandshake;
import io.redisreplica.client.ReplicationClient;

/**
 * A connected replication link, as {@code PSYNC} left it: the socket, its streams and the
 * master's answer. {@link #open} does all the I/O of a connect (TCP, TLS, the handshake, PSYNC),
 * so the objects built on a link start nothing themselves.
 *
 * @param in the stream the snapshot (after a full resync) and then the commands are read from
 */
public record MasterLink(Socket socket, InputStream in, OutputStream out, ReplicationClient.Sync sync) {

    /**
     * Connects, shakes hands and asks to continue after {@code from}.
     *
     * @throws IOException when the master cannot be reached, refuses the handshake or answers PSYNC with an error
     */
    public static MasterLink open(ReplicationClient.Options options, ReplicationClient.Position from) throws IOException {
        final Socket socket = options.sockets().createSocket();
        try {
            if (socket instanceof SSLSocket tls) {
                // the host name checked against the master's certificate, and sent (SNI) when it is a name
                final SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!options.host().isEmpty() && !Character.isDigit(options.host().charAt(0)) && !options.host().contains(":")) {
                    p.setServerNames(List.of(new SNIHostName(options.host())));
                }
                tls.setSSLParameters(p);
            }
            socket.connect(new InetSocketAddress(options.host(), options.port()), options.connectTimeoutMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(options.readTimeoutMillis()); // the handshake and the snapshot: a silent master fails them
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final MasterHandshake handshake = new MasterHandshake(in, out);
            handshake.greet(options.user(), options.password());
            handshake.announce(options.listeningPort());
            final boolean fromStart = from.offset() < 0;
            final String reply = handshake.psync(fromStart ? "?" : from.replid(), fromStart ? "-1" : Long.toString(from.offset() + 1));
            final String[] words = reply.trim().split(" ");
            final ReplicationClient.Sync sync;
            if (words[0].equals("+FULLRESYNC") && words.length >= 3) {
                sync = new ReplicationClient.Sync(true, words[1], Long.parseLong(words[2]));
            } else if (words[0].equals("+CONTINUE")) {
                sync = new ReplicationClient.Sync(false, words.length > 1 ? words[1] : from.replid(), from.offset());
            } else {
                throw new IOException(options.host() + ":" + options.port() + " answered PSYNC with " + reply);
            }
            return new MasterLink(socket, in, out, sync);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
