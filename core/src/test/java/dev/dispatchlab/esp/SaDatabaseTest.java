package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SaDatabaseTest {

    private static final SessionParams P = new SessionParams(EncryptionAlgorithm.AES_GCM_16, new byte[20],
            IntegrityAlgorithm.NONE, null, false);

    private static SecurityAssociation sa(int spi, String src, String dst) {
        return SecurityAssociation.builder(spi, new CryptoSession(P, EspHarness.DRIVER))
                .source(src == null ? null : InetAddress.ofLiteral(src))
                .destination(dst == null ? null : InetAddress.ofLiteral(dst)).build();
    }

    /** An outer IPv4 header's addresses in a packet array: source at 12, destination at 16. */
    private static byte[] header(String src, String dst) {
        return EspHarness.ipv4(50, new byte[0], src, dst);
    }

    private static SecurityAssociation lookup(SaDatabase db, int spi, String src, String dst) {
        byte[] h = header(src, dst);
        return db.lookup(spi, h, 12, 16, 4);
    }

    @Test
    void mostSpecificMatchWins() {
        SaDatabase db = new SaDatabase();
        SecurityAssociation any = sa(7, null, null);
        SecurityAssociation toA = sa(7, null, "192.0.2.1");
        SecurityAssociation bToA = sa(7, "192.0.2.9", "192.0.2.1");
        SecurityAssociation fromB = sa(7, "192.0.2.9", null);
        db.add(any);
        db.add(toA);
        db.add(fromB);
        db.add(bToA);
        assertThat(lookup(db, 7, "192.0.2.9", "192.0.2.1")).isSameAs(bToA);
        assertThat(lookup(db, 7, "192.0.2.8", "192.0.2.1")).isSameAs(toA);
        assertThat(lookup(db, 7, "192.0.2.9", "192.0.2.5")).isSameAs(fromB);
        assertThat(lookup(db, 7, "192.0.2.8", "192.0.2.5")).isSameAs(any);
        assertThat(lookup(db, 8, "192.0.2.9", "192.0.2.1")).isNull();
        assertThat(db.remove(bToA)).isTrue();
        assertThat(lookup(db, 7, "192.0.2.9", "192.0.2.1")).isSameAs(toA);
        assertThat(db.remove(bToA)).isFalse();
        assertThat(db.find(7, InetAddress.ofLiteral("192.0.2.1"))).isSameAs(toA);
        db.closeAll();
        assertThat(db.size()).isZero();
    }

    @Test
    void addressFamiliesDoNotMix() {
        SaDatabase db = new SaDatabase();
        SecurityAssociation v6 = sa(9, null, "2001:db8::2");
        db.add(v6);
        byte[] h6 = EspHarness.ipv6(50, new byte[0], "2001:db8::1", "2001:db8::2");
        assertThat(db.lookup(9, h6, 8, 24, 16)).isSameAs(v6);
        assertThat(lookup(db, 9, "192.0.2.1", "192.0.2.2")).isNull();
        db.closeAll();
    }

    @Test
    void duplicatesAreRefused() {
        SaDatabase db = new SaDatabase();
        db.add(sa(1, null, "192.0.2.1"));
        SecurityAssociation dup = sa(1, null, "192.0.2.1");
        assertThatThrownBy(() -> db.add(dup)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already installed");
        dup.close();
        db.closeAll();
    }

    @Test
    void manySpisAllFound() {
        SaDatabase db = new SaDatabase();
        Random r = new Random(1);
        Map<Integer, SecurityAssociation> by = new HashMap<>();
        while (by.size() < 3000) {
            int spi = r.nextInt();
            if (!by.containsKey(spi)) {
                SecurityAssociation sa = sa(spi, null, null);
                by.put(spi, sa);
                db.add(sa);
            }
        }
        byte[] h = header("192.0.2.1", "192.0.2.2");
        for (Map.Entry<Integer, SecurityAssociation> e : by.entrySet()) {
            assertThat(db.lookup(e.getKey(), h, 12, 16, 4)).isSameAs(e.getValue());
        }
        for (int i = 0; i < 3000; i++) {
            int spi = r.nextInt();
            if (!by.containsKey(spi)) {
                assertThat(db.lookup(spi, h, 12, 16, 4)).isNull();
            }
        }
        assertThat(db.size()).isEqualTo(3000);
        db.closeAll();
    }
}
