package org.tinymem.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergyTest {

    @Test
    void thePaperPresetsGiveTable7() {
        // Eq. 4 by hand: (0.5·225 + 4·1·250 + 0.3725·512) · 1.58 = 1303.22 · 1.58 W
        assertEquals(2059.0876, Energy.POLARIS.watts(), 1e-9);
        double polarisWh = Energy.POLARIS.wattHours(1116 * 3600.0); // phase (i): 1,116 node hours
        assertEquals(2297.9, polarisWh / 1000, 0.1, "Table 7: 2,297 kWh");
        assertEquals(910, Energy.POLARIS.carbonGrams(polarisWh) / 1000, 1.0, "Table 7: 910 kg");
        assertEquals(12871, Energy.POLARIS.wattHours(6251 * 3600.0) / 1000, 1.0, "Table 7: 12,871 kWh");
        double perlmutterWh = Energy.PERLMUTTER.wattHours(726 * 3600.0);
        assertEquals(1647, perlmutterWh / 1000, 1.0, "Table 7: 1,647 kWh");
        assertEquals(430, Energy.PERLMUTTER.carbonGrams(perlmutterWh) / 1000, 1.0, "Table 7: 430 kg");
    }

    @Test
    void thisMachineIsBuiltFromWhatCanBeReadAndWhatTheUserSets() {
        Energy e = Energy.thisMachine(Map.of("TINYMEM_CPU_TDP_PER_CORE", "10", "TINYMEM_PUE", "1.2", "TINYMEM_CARBON_INTENSITY", "100"));
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores * 10.0, e.cpuTdp(), 1e-12);
        assertTrue(e.dramGb() > 0, "MemTotal read from /proc/meminfo");
        assertEquals((0.5 * cores * 10 + 0.3725 * e.dramGb()) * 1.2, e.watts(), 1e-9);
        // one hour: energy = watts; carbon = Wh / 1000 · 100
        assertEquals(e.watts(), e.wattHours(3600), 1e-9);
        assertEquals(e.watts() / 10, e.carbonGrams(e.wattHours(3600)), 1e-9);
        Energy defaults = Energy.thisMachine(Map.of());
        assertEquals(cores * Energy.DEFAULT_TDP_PER_CORE, defaults.cpuTdp(), 1e-12);
        assertEquals(1.0, defaults.pue());
        JsonObject result = new JsonObject();
        e.annotate(result, 7200);
        assertEquals(2 * e.watts(), result.get("energy_wh").getAsDouble(), 1e-9);
        assertEquals(2 * e.watts() / 10, result.get("carbon_g").getAsDouble(), 1e-9);
        assertEquals("this-machine", result.get("energy_preset").getAsString());
    }

    @Test
    void badPresetsAndTimesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> Energy.POLARIS.wattHours(-1));
        assertThrows(IllegalArgumentException.class, () -> Energy.POLARIS.wattHours(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Energy("x", 0.5, 100, 0, 0, 0, 8, 0.9, 100, "pue below 1"));
        assertThrows(IllegalArgumentException.class, () -> new Energy("x", 1.5, 100, 0, 0, 0, 8, 1, 100, "usage above 1"));
        assertThrows(IllegalArgumentException.class, () -> new Energy("x", 0.5, -1, 0, 0, 0, 8, 1, 100, "negative tdp"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Energy.preset("summit", Map.of()));
        assertTrue(unknown.getMessage().contains("polaris"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Energy.thisMachine(Map.of("TINYMEM_PUE", "lots")));
        assertTrue(bad.getMessage().contains("TINYMEM_PUE"), bad.getMessage());
    }
}
