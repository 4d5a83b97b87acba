package io.redisreplica.server.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReplicaListTest {
    private final ReplicaList two = new ReplicaList(List.of(new ReplicaList.Entry("10.0.0.5", 6380, "online", 1234, 0),
        new ReplicaList.Entry("10.0.0.6", 6381, "send_bulk", 0, 7)));

    @Test
    void shouldListTheReplicasAsInfoReplicationDoes() {
        assertEquals("connected_slaves:2\r\nslave0:ip=10.0.0.5,port=6380,state=online,offset=1234,lag=0\r\n"
            + "slave1:ip=10.0.0.6,port=6381,state=send_bulk,offset=0,lag=7\r\n", two.infoLines());
        assertEquals("connected_slaves:0\r\n", ReplicaList.NONE.infoLines());
    }

    @Test
    void shouldListTheReplicasAsRoleDoes() {
        assertEquals("*2\r\n*3\r\n$8\r\n10.0.0.5\r\n$4\r\n6380\r\n$4\r\n1234\r\n*3\r\n$8\r\n10.0.0.6\r\n$4\r\n6381\r\n$1\r\n0\r\n",
            two.roleArray());
        assertEquals("*0\r\n", ReplicaList.NONE.roleArray());
    }
}
