package dev.dispatchlab.esp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The security association database for input: SPI (and outer addresses) to {@link SecurityAssociation}.
 *
 * <h2>Lookup</h2>
 * {@link #lookup} hashes the SPI into an open-addressing table of SPI groups; within a group, SAs are
 * ordered most specific first (destination and source, destination only, source only, neither) and
 * the first whose addresses match the packet's outer header wins. It reads the addresses straight
 * from the packet array: no allocation, no lock, O(1) for distinct SPIs.
 *
 * <h2>Threading: copy on write</h2>
 * Readers (every receive context) take one volatile read of the current table and never wait.
 * Writers ({@link #add}, {@link #remove}, rare: IKE installing or retiring SAs) are serialised, build
 * a new table and publish it with a volatile store; a lookup that raced the update sees either the
 * old table or the new one, both consistent. An update costs O(n); n is the number of SAs.
 */
public final class SaDatabase {

    private volatile Table table = Table.build(List.of());
    private final List<SecurityAssociation> all = new ArrayList<>();

    /** Installs {@code sa}. Throws if an SA with the same SPI and the same addresses is already in. */
    public synchronized void add(SecurityAssociation sa) {
        for (SecurityAssociation o : all) {
            if (o.spi() == sa.spi() && Arrays.equals(o.destinationBytes(), sa.destinationBytes())
                    && Arrays.equals(o.sourceBytes(), sa.sourceBytes())) {
                throw new IllegalArgumentException("an SA with the same SPI and addresses is already installed: " + o);
            }
        }
        all.add(sa);
        table = Table.build(all);
    }

    /** Installs every SA of {@code sas}. */
    public synchronized void addAll(List<SecurityAssociation> sas) {
        for (SecurityAssociation sa : sas) {
            add(sa);
        }
    }

    /** Removes {@code sa} (it is not closed). @return true if it was installed */
    public synchronized boolean remove(SecurityAssociation sa) {
        boolean removed = all.remove(sa);
        if (removed) {
            table = Table.build(all);
        }
        return removed;
    }

    /**
     * Finds the SA for an inbound packet. Any thread; allocation-free.
     *
     * @param spi     the SPI field
     * @param d       the packet array
     * @param srcAt   index of the outer source address, or -1 when there is no outer header
     * @param dstAt   index of the outer destination address, or -1
     * @param addrLen 4 or 16
     * @return the most specific matching SA, or null
     */
    public SecurityAssociation lookup(int spi, byte[] d, int srcAt, int dstAt, int addrLen) {
        Table t = table;
        int slot = t.find(spi);
        if (slot < 0) {
            return null;
        }
        SecurityAssociation[] group = t.groups[slot];
        for (SecurityAssociation sa : group) {
            if (sa.matches(d, srcAt, dstAt, addrLen)) {
                return sa;
            }
        }
        return null;
    }

    /** Config-side lookup by SPI and destination (allocates; not for the packet path). */
    public SecurityAssociation find(int spi, InetAddress destination) {
        byte[] a = destination.getAddress();
        return lookup(spi, a, -1, 0, a.length);
    }

    /** @return the installed SAs, in installation order; a snapshot */
    public synchronized List<SecurityAssociation> all() {
        return Collections.unmodifiableList(new ArrayList<>(all));
    }

    public int size() {
        return table.size;
    }

    /** Removes and closes every SA. */
    public synchronized void closeAll() {
        for (SecurityAssociation sa : all) {
            sa.close();
        }
        all.clear();
        table = Table.build(all);
    }

    /** An immutable open-addressing table from SPI to its group of SAs. */
    private static final class Table {
        final int[] spis;
        final SecurityAssociation[][] groups;
        final int mask;
        final int size;

        private Table(int capacity, int size) {
            spis = new int[capacity];
            groups = new SecurityAssociation[capacity][];
            mask = capacity - 1;
            this.size = size;
        }

        static Table build(List<SecurityAssociation> sas) {
            List<SecurityAssociation> sorted = new ArrayList<>(sas);
            sorted.sort(Comparator.comparingInt(SecurityAssociation::specificity).reversed());
            int capacity = Integer.highestOneBit(Math.max(4, sas.size() * 4) - 1) << 1;
            Table t = new Table(capacity, sas.size());
            for (SecurityAssociation sa : sorted) {
                int slot = t.slotFor(sa.spi());
                SecurityAssociation[] g = t.groups[slot];
                if (g == null) {
                    t.spis[slot] = sa.spi();
                    t.groups[slot] = new SecurityAssociation[] {sa};
                } else {
                    SecurityAssociation[] n = Arrays.copyOf(g, g.length + 1);
                    n[g.length] = sa;
                    t.groups[slot] = n;
                }
            }
            return t;
        }

        private static int hash(int spi) {
            return (spi * 0x9E3779B9) ^ (spi >>> 16);
        }

        /** @return the slot holding {@code spi}'s group, or the empty slot where it would go */
        private int slotFor(int spi) {
            int i = hash(spi) & mask;
            while (groups[i] != null && spis[i] != spi) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** @return the slot of {@code spi}, or -1 */
        int find(int spi) {
            int i = hash(spi) & mask;
            while (groups[i] != null) {
                if (spis[i] == spi) {
                    return i;
                }
                i = (i + 1) & mask;
            }
            return -1;
        }
    }
}
