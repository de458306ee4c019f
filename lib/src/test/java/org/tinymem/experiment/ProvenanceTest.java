package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

    @Test
    void recordsConfigSeedFingerprintCodeVersionAndThreadCounts() {
        JsonObject json = Provenance.of(Map.of("epochs", 3), 7, "abc123");
        assertEquals(3, json.getAsJsonObject("config").get("epochs").getAsInt());
        assertEquals(7, json.get("seed").getAsLong());
        assertEquals("abc123", json.get("data_fingerprint").getAsString());
        assertTrue(json.get("engine").getAsString().startsWith("PyTorch"), json.get("engine").getAsString());
        // Numbers are reproducible per thread count, so the count the run used is part of its provenance.
        assertEquals(JniUtils.getNumThreads(), json.get("torch_threads").getAsInt());
        assertTrue(json.get("torch_threads").getAsInt() >= 1);
        assertEquals(JniUtils.getNumInteropThreads(), json.get("torch_interop_threads").getAsInt());
        assertTrue(json.has("git_commit") && json.has("java_version") && json.has("recorded_at"));
    }
}
