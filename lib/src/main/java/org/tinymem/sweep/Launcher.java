package org.tinymem.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The command line that runs one plan entry in a fresh JVM:
 * {@code java -cp CLASSPATH org.tinymem.cli.TinyMemCli sweep run PLAN --index I}, with this JVM's
 * Java, class path and engine settings and {@code threads} PyTorch threads. Engines start it as a
 * process (local) or write it into a job script (Slurm). It calls the classes directly rather than
 * {@code ./tinymem}, so that many tasks starting at once never race to rebuild the jar.
 *
 * @param java the java executable
 * @param classPath the class path
 * @param threads PyTorch intra-op threads per run (also {@code OMP_NUM_THREADS})
 */
public record Launcher(String java, String classPath, int threads) {
    /**
     * oneMKL's conditional numerical reproducibility, strict: its matrix products give the same bits whatever
     * the alignment of their operands. A precaution that costs nothing measurable: the run-to-run differences of
     * issue 18, first blamed on alignment, came from DJL's freed constants ({@code model.Scalars},
     * {@code DeterminismUnderLoadTest}). Kept if the caller set another value.
     */
    public static final String MKL_CBWR = "MKL_CBWR";
    public static final String STRICT_REPRODUCIBILITY = "AUTO,STRICT";

    /**
     * Environment variables a run inherits when set here (allocator, DJL cache, code version, where runs live,
     * oneMKL and OpenMP settings, energy preset).
     */
    public static final List<String> ENVIRONMENT = Stream.concat(
            Stream.of("LD_PRELOAD", "MALLOC_CONF", "DJL_CACHE_DIR", "TINYMEM_GIT_COMMIT", "TINYMEM_HOME", "TINYMEM_RUNS", MKL_CBWR,
                    "GOMP_SPINCOUNT", "OMP_WAIT_POLICY"),
            org.tinymem.eval.Energy.VARIABLES.stream()).toList();

    public Launcher {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    /** This JVM's java and class path. */
    public static Launcher current(int threads) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Launcher(java, System.getProperty("java.class.path"), threads);
    }

    /** The command that runs entry {@code index} of the plan in {@code planDir} ({@code index} may be a shell variable). */
    public List<String> command(Path planDir, String index) {
        return tinymem("sweep", "run", planDir.toString(), "--index", index);
    }

    /**
     * The command of a persistent local worker: {@code sweep serve PLAN} reads entry indices from its
     * standard input and runs them one after another in one JVM (see {@link LocalEngine}).
     */
    public List<String> serveCommand(Path planDir) {
        return tinymem("sweep", "serve", planDir.toString());
    }

    /** {@code java ... org.tinymem.cli.TinyMemCli ARGS}. */
    public List<String> tinymem(String... args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        // The JVM's own threads (garbage collector, JIT compiler) sized for the run's share of the
        // machine, so that N workers of T threads use N x T cores, not N x all of them.
        command.add("-XX:ActiveProcessorCount=" + threads);
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=" + threads);
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-cp");
        command.add(classPath);
        command.add("org.tinymem.cli.TinyMemCli");
        command.addAll(List.of(args));
        return command;
    }

    /** The environment a run gets: the inherited variables that are set, and the thread count. */
    public Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        for (String name : ENVIRONMENT) {
            String value = System.getenv(name);
            if (value != null && !value.isEmpty()) env.put(name, value);
        }
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("TINYMEM_THREADS", Integer.toString(threads));
        env.putIfAbsent(MKL_CBWR, STRICT_REPRODUCIBILITY);
        return env;
    }
}
