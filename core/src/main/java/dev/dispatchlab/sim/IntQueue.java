package dev.dispatchlab.sim;

/** A bounded FIFO of ints (packet ids), with its capacity. Confined to one simulation. */
public final class IntQueue {

    private final int[] items;
    private final int capacity;
    private int head;
    private int size;

    public IntQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.items = new int[capacity];
    }

    /** @return false if full */
    public boolean offer(int v) {
        if (size == capacity) {
            return false;
        }
        items[(head + size) % capacity] = v;
        size++;
        return true;
    }

    /** @return the head, or -1 if empty */
    public int poll() {
        if (size == 0) {
            return -1;
        }
        int v = items[head];
        head = (head + 1) % capacity;
        size--;
        return v;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return capacity;
    }
}
