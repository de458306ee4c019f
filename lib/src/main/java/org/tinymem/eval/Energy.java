package org.tinymem.eval;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Energy and carbon of a computation (App. A.6, after Bouza et al. 2023):
 * <pre>
 *   energy (Wh) = node_hours · ((c_uf · c_tdp) + (n_gpu · g_uf · gpu_tdp) + 0.3725 W/GB · DRAM) · PUE   (Eq. 4)
 *   carbon (g)  = energy / 1000 · CI                                                           (Eq. 5)
 * </pre>
 * with node_hours = seconds / 3600 of the whole node (the paper's accounting; it then triples its
 * totals for debugging and failed runs, which a single result does not). Presets: the paper's two
 * machines (Table 6) and this machine ({@link #thisMachine}).
 *
 * @param name preset name
 * @param cpuUsageFactor c_uf
 * @param cpuTdp c_tdp, watts (all CPUs of the node)
 * @param gpus n_gpu
 * @param gpuUsageFactor g_uf
 * @param gpuTdp gpu_tdp, watts per GPU
 * @param dramGb DRAM of the node, GB
 * @param pue power usage efficiency (≥ 1)
 * @param carbonIntensity CI, grams CO2-eq per kWh
 * @param source where each value comes from
 */
public record Energy(String name, double cpuUsageFactor, double cpuTdp, int gpus, double gpuUsageFactor, double gpuTdp,
                     double dramGb, double pue, double carbonIntensity, String source) {
    /** W per GB of DRAM (Eq. 4). */
    public static final double DRAM_WATTS_PER_GB = 0.3725;

    /**
     * Polaris (ALCF), Table 6. CI is not in Table 6; 396 g/kWh is what Table 7 implies
     * (910 kg for 2,297 kWh; 5,097 kg for 12,871 kWh).
     */
    public static final Energy POLARIS = new Energy("polaris", 0.5, 225, 4, 1, 250, 512, 1.58, 396,
            "paper Table 6; CI derived from Table 7 (910 kg / 2,297 kWh)");

    /** Perlmutter (NERSC), Table 6; CI 261 g/kWh from Table 7 (430 kg for 1,647 kWh). */
    public static final Energy PERLMUTTER = new Energy("perlmutter", 0.5, 280, 4, 1, 300, 256, 1.58, 261,
            "paper Table 6; CI derived from Table 7 (430 kg / 1,647 kWh)");

    /**
     * Default CPU TDP per core of {@link #thisMachine}: Perlmutter's CPU (AMD EPYC 7763, Table 6's
     * 280 W) over its 64 cores.
     */
    public static final double DEFAULT_TDP_PER_CORE = 280.0 / 64;

    public Energy {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("an energy preset needs a name");
        for (double v : new double[] {cpuUsageFactor, cpuTdp, gpuUsageFactor, gpuTdp, dramGb, carbonIntensity}) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("energy preset " + name + ": every value must be a finite number >= 0");
            }
        }
        if (cpuUsageFactor > 1 || gpuUsageFactor > 1) throw new IllegalArgumentException("energy preset " + name + ": usage factors are in [0, 1]");
        if (gpus < 0) throw new IllegalArgumentException("energy preset " + name + ": gpus must be >= 0");
        if (!(pue >= 1) || Double.isInfinite(pue)) throw new IllegalArgumentException("energy preset " + name + ": PUE must be >= 1, got " + pue);
    }

    /** The node's power draw in watts (the bracket of Eq. 4 times PUE). */
    public double watts() {
        return (cpuUsageFactor * cpuTdp + gpus * gpuUsageFactor * gpuTdp + DRAM_WATTS_PER_GB * dramGb) * pue;
    }

    /** Eq. 4 for {@code seconds} of the node. */
    public double wattHours(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be a finite number >= 0, got " + seconds);
        }
        return seconds / 3600.0 * watts();
    }

    /** Eq. 5: grams of CO2-eq of {@code wattHours}. */
    public double carbonGrams(double wattHours) {
        return wattHours / 1000.0 * carbonIntensity;
    }

    /**
     * This machine: cores from the JVM ({@code nproc}), DRAM from {@code /proc/meminfo}, no GPU;
     * {@code TINYMEM_CPU_TDP_PER_CORE} (default {@value #DEFAULT_TDP_PER_CORE} W, see the constant),
     * c_uf 0.5 (the paper's), {@code TINYMEM_PUE} (default 1.0: no data-centre overhead assumed, ours),
     * {@code TINYMEM_CARBON_INTENSITY} g/kWh (default 396, Polaris's, derived from Table 7).
     */
    public static Energy thisMachine(Map<String, String> env) {
        int cores = Runtime.getRuntime().availableProcessors();
        double tdpPerCore = number(env, "TINYMEM_CPU_TDP_PER_CORE", DEFAULT_TDP_PER_CORE);
        double pue = number(env, "TINYMEM_PUE", 1.0);
        double ci = number(env, "TINYMEM_CARBON_INTENSITY", POLARIS.carbonIntensity());
        return new Energy("this-machine", 0.5, cores * tdpPerCore, 0, 0, 0, memTotalGb(), pue, ci,
                cores + " cores x " + tdpPerCore + " W (TINYMEM_CPU_TDP_PER_CORE), DRAM from /proc/meminfo, PUE " + pue
                        + " (TINYMEM_PUE), CI " + ci + " g/kWh (TINYMEM_CARBON_INTENSITY)");
    }

    /** The environment variables that choose and shape the preset (a run started elsewhere needs them). */
    public static final List<String> VARIABLES = List.of("TINYMEM_ENERGY_PRESET", "TINYMEM_CPU_TDP_PER_CORE", "TINYMEM_PUE",
            "TINYMEM_CARBON_INTENSITY");

    private static volatile Energy current;

    /**
     * The preset named by {@code TINYMEM_ENERGY_PRESET} (polaris, perlmutter or this-machine, the default).
     * A JVM's environment does not change, so it is built once (not once per result or table row).
     */
    public static Energy current() {
        Energy known = current;
        if (known == null) {
            known = preset(System.getenv().getOrDefault("TINYMEM_ENERGY_PRESET", "this-machine"), System.getenv());
            current = known;
        }
        return known;
    }

    public static Energy preset(String name, Map<String, String> env) {
        return switch (name) {
            case "polaris" -> POLARIS;
            case "perlmutter" -> PERLMUTTER;
            case "this-machine" -> thisMachine(env);
            default -> throw new IllegalArgumentException("unknown energy preset '" + name + "': use " + String.join(", ", NAMES));
        };
    }

    public static final List<String> NAMES = List.of("this-machine", "polaris", "perlmutter");

    /** Adds {@code energy_wh}, {@code carbon_g} and {@code energy_preset} for {@code seconds} to a result. */
    public void annotate(JsonObject result, double seconds) {
        double wh = wattHours(seconds);
        result.addProperty("energy_wh", wh);
        result.addProperty("carbon_g", carbonGrams(wh));
        result.addProperty("energy_preset", name);
    }

    /** Everything about the preset, for the provenance. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("name", name);
        json.addProperty("c_uf", cpuUsageFactor);
        json.addProperty("c_tdp_w", cpuTdp);
        json.addProperty("n_gpu", gpus);
        json.addProperty("g_uf", gpuUsageFactor);
        json.addProperty("gpu_tdp_w", gpuTdp);
        json.addProperty("dram_gb", dramGb);
        json.addProperty("pue", pue);
        json.addProperty("carbon_intensity_g_per_kwh", carbonIntensity);
        json.addProperty("watts", watts());
        json.addProperty("source", source);
        return json;
    }

    private static double number(Map<String, String> env, String variable, double fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) return fallback;
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number, got '" + value + "'");
        }
    }

    /** MemTotal of /proc/meminfo in GB (10^9 bytes); 0 where it cannot be read. */
    static double memTotalGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024 / 1e9;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: DRAM counts as 0 W
        }
        return 0;
    }
}
