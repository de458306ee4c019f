package org.tinymem.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Small JSON helpers for result files (pretty, atomic, with clear errors). */
public final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private Json() {}

    public static void write(Path file, JsonElement json) {
        AtomicFiles.writeString(file, GSON.toJson(json) + "\n");
    }

    public static JsonObject read(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    public static JsonObject of(Map<String, ? extends Number> values) {
        JsonObject json = new JsonObject();
        values.forEach(json::addProperty);
        return json;
    }

    /** A flat object of numbers as an ordered map (measures read back from a result file). */
    public static Map<String, Double> doubles(JsonObject json) {
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        json.entrySet().forEach(entry -> values.put(entry.getKey(), entry.getValue().getAsDouble()));
        return values;
    }
}
