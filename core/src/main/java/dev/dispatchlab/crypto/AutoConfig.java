package dev.dispatchlab.crypto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The auto driver's routing thresholds (see {@link AutoDriver}).
 *
 * @param engineMinBytes requests with a payload of at least this many bytes go to the engine; smaller ones run inline
 * @param maxEngineDepth a large request runs inline instead when this many requests already wait in the submission ring
 */
public record AutoConfig(int engineMinBytes, int maxEngineDepth) {

    public AutoConfig {
        if (engineMinBytes < 0) {
            throw new IllegalArgumentException("engineMinBytes must not be negative: engineMinBytes=" + engineMinBytes);
        }
        if (maxEngineDepth < 1) {
            throw new IllegalArgumentException("maxEngineDepth must be at least 1: maxEngineDepth=" + maxEngineDepth);
        }
    }

    /**
     * Engine from 1024 bytes, inline once 192 requests wait (three quarters of the default 256-entry ring).
     * The crossover is a guess to be replaced by a measured one: on a modern CPU the inline cipher beats
     * the handoff at every size, and the engine pays only when host CPU is the scarce resource.
     */
    public static AutoConfig defaults() {
        return new AutoConfig(1024, 192);
    }

    /** @return the thresholds as an ordered map for reports; allocates */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engineMinBytes", engineMinBytes);
        m.put("maxEngineDepth", maxEngineDepth);
        return m;
    }
}
