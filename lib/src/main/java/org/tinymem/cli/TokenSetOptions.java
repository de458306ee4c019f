package org.tinymem.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.tinymem.data.ProductionData;
import org.tinymem.data.TokenMatrix;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that measure a model on token files (production models, §7): the
 * (n, k) split of App. A.4.1, the row length of raw int64 files, and the device.
 */
final class TokenSetOptions {
    @Option(names = "--prompt", defaultValue = "" + ProductionData.PROMPT,
            description = "k: prompt tokens of each memorized sequence (App. A.4.1; default: ${DEFAULT-VALUE})")
    int prompt;

    @Option(names = "--match", defaultValue = "" + ProductionData.MATCH,
            description = "n - k: tokens that must be reproduced exactly (default: ${DEFAULT-VALUE}, so n = 72)")
    int match;

    @Option(names = "--seq-len", defaultValue = "80",
            description = "tokens per row of a raw little-endian int64 file (.npy files carry their shape; default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu (gpu needs a CUDA build of libtorch; without one the CPU is used and said; default: ${DEFAULT-VALUE})")
    String device;

    /** A token file checked against the model's vocabulary. */
    TokenMatrix read(Path file, int vocabSize) {
        return TokenMatrix.read(file, seqLen).requireVocabulary(vocabSize, file);
    }

    /** A manager on the requested device. */
    NDManager manager() {
        return switch (device) {
            case "cpu" -> NDManager.newBaseManager(Device.cpu());
            case "gpu" -> {
                if (Engine.getInstance().getGpuCount() > 0) yield NDManager.newBaseManager(Device.gpu());
                System.err.println("tinymem: no CUDA libtorch found (this build uses pytorch-native-cpu); running on the CPU");
                yield NDManager.newBaseManager(Device.cpu());
            }
            default -> throw new IllegalArgumentException("unknown --device '" + device + "': use cpu or gpu");
        };
    }
}
