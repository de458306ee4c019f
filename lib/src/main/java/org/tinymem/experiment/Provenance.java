package org.tinymem.experiment;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from (after Tribuo's provenance): the full configuration, seed, data
 * fingerprint, code version (git commit), library versions and PyTorch's thread counts, saved next
 * to every result.
 */
public final class Provenance {
    private Provenance() {}

    public static JsonObject of(Object fullConfig, long seed, String dataFingerprint) {
        JsonObject json = new JsonObject();
        json.add("config", new Gson().toJsonTree(fullConfig));
        json.addProperty("seed", seed);
        json.addProperty("data_fingerprint", dataFingerprint);
        json.addProperty("git_commit", gitCommit());
        json.addProperty("tinymem_version", version());
        json.addProperty("java_version", System.getProperty("java.version"));
        json.addProperty("djl_version", ai.djl.engine.Engine.class.getPackage().getImplementationVersion());
        try {
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
            json.addProperty("engine", engine.getEngineName() + " " + engine.getVersion());
            // The same seed gives the same numbers only with the same intra-op thread count: PyTorch
            // splits reductions across threads, so the summation order (and the last bits) change.
            json.addProperty("torch_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
            json.addProperty("torch_interop_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
        } catch (RuntimeException e) {
            json.addProperty("engine", "unavailable: " + e.getMessage());
        }
        json.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        json.addProperty("processors", Runtime.getRuntime().availableProcessors());
        json.addProperty("ld_preload", String.valueOf(System.getenv("LD_PRELOAD")));
        // oneMKL's reproducibility mode (the launchers set AUTO,STRICT, a precaution: results independent of memory alignment)
        json.addProperty("mkl_cbwr", String.valueOf(System.getenv("MKL_CBWR")));
        try {
            json.add("energy_preset", org.tinymem.eval.Energy.current().toJson()); // how energy_wh / carbon_g were computed (Eq. 4-5)
        } catch (IllegalArgumentException e) {
            json.addProperty("energy_preset", "invalid: " + e.getMessage());
        }
        json.addProperty("recorded_at", Instant.now().toString());
        return json;
    }

    public static String version() {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** The commit of the working tree ({@code TINYMEM_GIT_COMMIT} if set), with "+dirty" for local changes. */
    public static String gitCommit() {
        String fromEnv = System.getenv("TINYMEM_GIT_COMMIT");
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.trim();
        String commit = run("git", "rev-parse", "HEAD");
        if (commit == null) return "unknown (not a git checkout)";
        String status = run("git", "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? commit : commit + "+dirty";
    }

    private static String run(String... command) {
        try {
            String home = System.getenv("TINYMEM_HOME");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (home != null) builder.directory(new java.io.File(home));
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) return null;
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
