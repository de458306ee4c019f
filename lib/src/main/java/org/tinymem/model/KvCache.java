package org.tinymem.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every attention layer seen so far, so greedy decoding computes each new token
 * from one position instead of re-running the whole prefix (≈8× faster for math models).
 *
 * <p>Each decoding step runs inside its own {@link NDScope}; {@link #keep()} takes the cache's
 * arrays out of that scope and frees the previous step's arrays.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] previous;
    private int length;

    public KvCache(int layers) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
        previous = new NDArray[2 * layers];
    }

    /** Positions already cached (the position offset of the next tokens). */
    public int length() {
        return length;
    }

    /** Appends this step's keys and values of {@code layer} (batch, heads, time, headDim); returns the full ones (called by each model's forward pass). */
    public NDArray[] append(int layer, NDArray key, NDArray value) {
        if (keys[layer] == null) {
            keys[layer] = key;
            values[layer] = value;
        } else {
            previous[2 * layer] = keys[layer];
            previous[2 * layer + 1] = values[layer];
            keys[layer] = keys[layer].concat(key, 2);
            values[layer] = values[layer].concat(value, 2);
        }
        return new NDArray[] {keys[layer], values[layer]};
    }

    /** Marks the step done: the cache advances by {@code steps} positions and survives the step's scope. */
    public void keep(int steps) {
        for (int i = 0; i < keys.length; i++) {
            NDScope.unregister(keys[i], values[i]);
            if (previous[2 * i] != null) {
                previous[2 * i].close();
                previous[2 * i + 1].close();
                previous[2 * i] = null;
                previous[2 * i + 1] = null;
            }
        }
        length += steps;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) keys[i].close();
            if (values[i] != null) values[i].close();
        }
    }
}
