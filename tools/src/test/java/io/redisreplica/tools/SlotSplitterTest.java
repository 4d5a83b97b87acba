package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.ClusterSlots;

class SlotSplitterTest {
    private final SlotSplitter splitter = new SlotSplitter();
    private final List<String> sent = new ArrayList<>();

    /** Frames {@code args} as one command and splits it; returns the refusal, the per-slot commands land in {@link #sent}. */
    private String split(String... args) throws Exception {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        assertEquals(len, framer.frame(buf, 0, len));
        return splitter.split(framer.command(), buf, 0, len, (slot, bytes, offset, length) -> {
            final CommandFramer f = new CommandFramer();
            assertEquals(length, f.frame(bytes, offset, length));
            sent.add(slot + " " + f.command());
        });
    }

    private static int slot(String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return ClusterSlots.slot(b, 0, b.length);
    }

    @Test
    void shouldSendACommandWhoseKeysShareASlotWhole() throws Exception {
        assertNull(split("MSET", "{u}a", "1", "{u}b", "2"));
        assertEquals(List.of(slot("u") + " \"MSET\" \"{u}a\" \"1\" \"{u}b\" \"2\""), sent);
    }

    @Test
    void shouldSplitMsetAndDelAcrossSlotsOneCommandPerSlotWithTheirValues() throws Exception {
        assertNull(split("MSET", "a", "1", "b", "2", "{a}x", "3"));
        assertNull(split("DEL", "a", "b"));
        assertEquals(List.of(slot("a") + " \"MSET\" \"a\" \"1\" \"{a}x\" \"3\"", slot("b") + " \"MSET\" \"b\" \"2\"",
            slot("a") + " \"DEL\" \"a\"", slot("b") + " \"DEL\" \"b\""), sent);
    }

    @Test
    void shouldRefuseWhatACLusterCannotTakeAndSendNothing() throws Exception {
        assertEquals("its keys are in different slots", split("RENAME", "a", "b"));
        assertEquals("it acts on every slot, and a cluster has no transaction across nodes", split("FLUSHALL"));
        assertEquals("it names no key, so no slot", split("EVAL", "return 1", "0"));
        assertEquals(List.of(), sent);
    }
}
