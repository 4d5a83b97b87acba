package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;

/** A standalone server {@code compare} reads: one connection, the db it has selected remembered. */
final class CompareServer implements CompareTarget {
    private final RespClient c;
    private final String name;
    private int selected = -1;

    CompareServer(RespClient c, String name) {
        this.c = c;
        this.name = name;
    }

    @Override
    public Set<Integer> dbs() throws IOException {
        return keyspaceDbs(c);
    }

    @Override
    public boolean holds(int db) {
        return true;
    }

    @Override
    public void scan(int db, Page page) throws IOException {
        select(db);
        scan(c, name, page);
    }

    @Override
    public List<KeyDigest.Reading> read(int db, List<byte[]> keys) throws IOException {
        select(db);
        return KeyDigest.read(c, keys);
    }

    @Override
    public boolean[] exist(int db, List<byte[]> keys) throws IOException {
        select(db);
        return KeyDigest.exist(c, keys);
    }

    /** String keys' values, whole (as the router holds them to judge them), in one round trip; null where not a string any more. */
    List<byte[]> strings(int db, List<byte[]> keys) throws IOException {
        select(db);
        return KeyDigest.strings(c, keys);
    }

    private void select(int db) throws IOException {
        if (selected != db) {
            final Object reply = c.request("SELECT", Integer.toString(db));
            if (reply instanceof RespError e) {
                throw new IOException(name + ": SELECT " + db + " refused: " + e.message());
            }
            selected = db;
        }
    }

    /** SCANs {@code c}'s selected db, COUNT 1000 a page. */
    static void scan(RespClient c, String name, Page page) throws IOException {
        byte[] cursor = {'0'};
        do {
            final Object reply = c.request("SCAN".getBytes(StandardCharsets.US_ASCII), cursor, KeyDigest.ascii("COUNT"), KeyDigest.ascii("1000"));
            if (reply instanceof RespError e) {
                throw new IOException(name + ": SCAN refused: " + e.message());
            }
            final List<?> reply2 = (List<?>) reply;
            cursor = (byte[]) reply2.get(0);
            final List<byte[]> keys = new ArrayList<>();
            for (Object k : (List<?>) reply2.get(1)) {
                keys.add((byte[]) k);
            }
            if (!keys.isEmpty()) {
                page.on(keys);
            }
        } while (!(cursor.length == 1 && cursor[0] == '0'));
    }

    static Set<Integer> keyspaceDbs(RespClient c) throws IOException {
        final Set<Integer> dbs = new TreeSet<>();
        final String info = KeyDigest.text(c.request("INFO", "keyspace"));
        for (String line : info.split("\r\n")) {
            if (line.startsWith("db") && line.contains(":keys=")) {
                dbs.add(Integer.parseInt(line.substring(2, line.indexOf(':'))));
            }
        }
        return dbs;
    }

    @Override
    public void close() throws IOException {
        c.close();
    }
}
