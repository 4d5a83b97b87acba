package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The router is the exactness core: a refactoring must hand every shard's journal the same bytes.
 * The digests below were recorded from the router as it was before its split into collaborators
 * (one 1,300-line class); a change that alters them changes what the shards receive, and must
 * say why in its commit.
 */
class CommandRouterDigestTest {
    private static final String[] EXTRA = {
        "",
        "",
        "rewrite a strip-prefix=a:\nrewrite a add-prefix=ns:\nrewrite b regex=^c:(\\d+) replace=C$1\n",
        "drop type=zset\ndrop value=^v9\ntransform class=io.redisreplica.router.routing.UpperCaseTransform\n",
    };

    @ParameterizedTest(name = "{0}, config {1}")
    @CsvSource({
        "TRANSLATE, 0, cc53b92e0574f928a96ae0e0cb9b8a068baa6173139bc7216bf22814a75fdc8e routed=6739 crossShard=756 translated=676 translatedKeys=1345 readSkipped=46 filtered=0 unclaimed=1066 unknown=0 stableOffset=195951",
        "TRANSLATE, 1, 0a931227c8ea30d229b48f3c1e0da5c3eaf7eece5b09c3b47b4abc0596497cb3 routed=6810 crossShard=750 translated=675 translatedKeys=1383 readSkipped=62 filtered=0 unclaimed=1028 unknown=0 stableOffset=196680",
        "TRANSLATE, 2, e165d4f9aef3442a8f2939d7832a775f5bee4affc608f5dab730f8ff1a6f0820 routed=6496 crossShard=819 translated=729 translatedKeys=1265 readSkipped=73 filtered=0 unclaimed=1076 unknown=0 stableOffset=197757",
        "TRANSLATE, 3, 1c054f176913c02fd6e27988c05c27da7282c0dbaaaaf3c4e9a5b0a9bfb724ab routed=7164 crossShard=757 translated=690 translatedKeys=1759 readSkipped=83 filtered=1153 unclaimed=1099 unknown=0 stableOffset=194104",
        "LOG, 0, 072ca7b53f3b242e342266602383254fc1cdb35aa3d04a0e36c1bfc458adf644 routed=3892 crossShard=741 translated=0 translatedKeys=0 readSkipped=0 filtered=0 unclaimed=1072 unknown=0 stableOffset=195951",
        "LOG, 1, d4387b9489f3dfd9fc3cd3f7ac77c9a03a91253c8990abf05176da1d8212262d routed=3906 crossShard=728 translated=0 translatedKeys=0 readSkipped=0 filtered=0 unclaimed=1035 unknown=0 stableOffset=196680",
        "LOG, 2, e4ad251a913b60391da7f33503ea63bec7584b82f02ac0cd0d0fadfabad12b49 routed=3832 crossShard=789 translated=0 translatedKeys=0 readSkipped=0 filtered=0 unclaimed=1083 unknown=0 stableOffset=197757",
        "LOG, 3, 805828cff11f920d687f3bf6b86a1294b1cb63d925f67ee0819dd79afdde5262 routed=3953 crossShard=729 translated=0 translatedKeys=0 readSkipped=0 filtered=712 unclaimed=1103 unknown=0 stableOffset=194104",
        "STOP, 0, bde5c641c21ae0cd4bf38d15ec074a3a046391318baaab1949e222557c691ff0 routed=3892 crossShard=741 translated=0 translatedKeys=0 readSkipped=0 filtered=0 unclaimed=1072 unknown=0 stableOffset=195951",
        "STOP, 3, 36469bd670ce6e649b0242216233d8cbcbccf1ccc8d01c0265facaf7aa6554c2 routed=3953 crossShard=729 translated=0 translatedKeys=0 readSkipped=0 filtered=712 unclaimed=1103 unknown=0 stableOffset=194104",
    })
    void shouldHandEveryShardTheSameEntriesAsTheRouterBeforeItsSplit(CrossShardPolicy policy, int config, String expected) {
        final JournalDigest digest = new JournalDigest(EXTRA[config]);
        final CommandRouter router = CommandRouter.builder(digest.config.shardMap(), policy, digest.appender)
            .rewriters(digest.config.keyRewriters()).rules(io.redisreplica.router.config.Plugins.openValueRules(digest.config)).clock(() -> JournalDigest.NOW)
            .reader(policy == CrossShardPolicy.TRANSLATE ? digest.master : null).build();
        assertEquals(expected, digest.run(router, 100 + config, 5000));
    }
}
