package dev.dispatchlab.sim.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads architecture profiles and enforces every rule of the format: every key present and no
 * other, a unit of the key's dimension, a known kind, a non-empty source, a range for estimated
 * figures, {@code low <= value <= high}. A violation is a {@link ProfileException} whose one-line
 * message names the file and the key.
 *
 * <p>Profiles shipped with dispatchlab are resources under {@value #RESOURCE_DIR}; a user may name
 * one ({@code sun4m}) or give any file path.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ProfileLoader {

    /** Where shipped profiles live on the class path. */
    public static final String RESOURCE_DIR = "/dev/dispatchlab/sim/profiles/";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Keys an older profile file may hold that the simulation no longer reads, ignored:
     * {@code engine_share_beside_wire}, the emulated engine's part of its CPU beside a flat-out wire,
     * which the simulation now gets by scheduling the engine and the wire as threads of that CPU.
     */
    private static final java.util.Set<String> RETIRED = java.util.Set.of("engine_share_beside_wire");

    private ProfileLoader() {
    }

    /**
     * Loads a shipped profile by name, or a file when {@code nameOrFile} names an existing file or
     * ends in {@code .json}.
     */
    public static Profile load(String nameOrFile) throws ProfileException {
        Path p = Path.of(nameOrFile);
        if (nameOrFile.endsWith(".json") || nameOrFile.contains("/") || Files.isRegularFile(p)) {
            return loadFile(p);
        }
        String resource = RESOURCE_DIR + nameOrFile + ".json";
        try (InputStream in = ProfileLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProfileException("profile '" + nameOrFile + "': no such profile (shipped: "
                        + String.join(", ", shippedNames()) + "; or give a file path)");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), nameOrFile + ".json",
                    "shipped profile " + nameOrFile);
        } catch (IOException e) {
            throw new ProfileException(resource + ": cannot read it: " + e.getMessage());
        }
    }

    /** Loads a profile file. */
    public static Profile loadFile(Path file) throws ProfileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ProfileException(file + ": cannot read it (" + (Files.exists(file) ? e.getClass().getSimpleName()
                    : "no such file") + ")");
        }
        return parse(text, file.toString(), file.toString());
    }

    /** @return the names of the shipped profiles, sorted */
    public static List<String> shippedNames() {
        List<String> names = new ArrayList<>();
        URL url = ProfileLoader.class.getResource(RESOURCE_DIR);
        if (url == null) {
            return names;
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                }
                list(fs.getPath(RESOURCE_DIR), names);
            } else {
                list(Path.of(uri), names);
            }
        } catch (IOException | URISyntaxException e) {
            return names;
        }
        names.sort(null);
        return names;
    }

    private static void list(Path dir, List<String> out) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .forEach(n -> out.add(n.substring(0, n.length() - ".json".length())));
        }
    }

    /** @return every shipped profile */
    public static List<Profile> shipped() throws ProfileException {
        List<Profile> out = new ArrayList<>();
        for (String n : shippedNames()) {
            out.add(load(n));
        }
        return out;
    }

    /**
     * Parses and checks a profile document.
     *
     * @param file   the name messages give the document
     * @param origin where it came from, kept in the profile
     */
    public static Profile parse(String text, String file, String origin) throws ProfileException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ProfileException(file + (line > 0 ? ":" + line : "") + ": not JSON ("
                    + firstLine(e.getOriginalMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ProfileException(file + ": not a profile (expected a JSON object with name, title, cpus, notes, costs)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("name", "title", "cpus", "notes", "costs").contains(f)) {
                throw new ProfileException(file + ": unknown field '" + f + "' (a profile has name, title, cpus, notes, costs)");
            }
        }
        String name = text(root, "name", file, true);
        String title = text(root, "title", file, true);
        String notes = text(root, "notes", file, false);
        JsonNode cpusNode = root.get("cpus");
        if (cpusNode == null || !cpusNode.canConvertToInt() || !cpusNode.isIntegralNumber() || cpusNode.asInt() < 1) {
            throw new ProfileException(file + ": cpus: must be a whole number >= 1");
        }
        JsonNode costs = root.get("costs");
        if (costs == null || !costs.isObject()) {
            throw new ProfileException(file + ": costs: missing, or not an object of key -> {value, unit, kind, source}");
        }
        for (Iterator<String> it = costs.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (CostParam.byKey(k) == null && !RETIRED.contains(k)) {
                throw new ProfileException(file + ": costs." + k + ": unknown key");
            }
        }
        Map<CostParam, Cost> out = new EnumMap<>(CostParam.class);
        for (CostParam p : CostParam.values()) {
            JsonNode c = costs.get(p.key());
            if (c == null) {
                throw new ProfileException(file + ": costs." + p.key() + ": missing (" + p.description() + ")");
            }
            out.put(p, cost(c, p, file));
        }
        if (!(out.get(CostParam.CLOCK_MHZ).value() > 0)) {
            throw new ProfileException(file + ": costs.clock_mhz: must be above 0");
        }
        return new Profile(name, title, cpusNode.asInt(), notes == null ? "" : notes, origin, out);
    }

    private static Cost cost(JsonNode c, CostParam p, String file) throws ProfileException {
        String at = file + ": costs." + p.key();
        if (!c.isObject()) {
            throw new ProfileException(at + ": expected an object {value, unit, kind, source[, range]}");
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("value", "unit", "kind", "source", "range").contains(f)) {
                throw new ProfileException(at + ": unknown field '" + f + "'");
            }
        }
        JsonNode v = c.get("value");
        if (v == null || !v.isNumber()) {
            throw new ProfileException(at + ": value: missing or not a number");
        }
        double value = v.asDouble();
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ProfileException(at + ": value: must be a finite number >= 0, got " + v.asText());
        }
        JsonNode u = c.get("unit");
        if (u == null || !u.isTextual() || u.asText().isBlank()) {
            throw new ProfileException(at + ": unit: missing (one of " + Unit.labels() + ")");
        }
        Unit unit = Unit.byLabel(u.asText());
        if (unit == null) {
            throw new ProfileException(at + ": unit: '" + u.asText() + "' is not one of " + Unit.labels());
        }
        if (unit.dimension() != p.dimension()) {
            throw new ProfileException(at + ": unit: '" + unit.label() + "' does not measure " + describe(p.dimension())
                    + " (" + p.description() + ")");
        }
        JsonNode k = c.get("kind");
        if (k == null || !k.isTextual()) {
            throw new ProfileException(at + ": kind: missing (measured, derived, estimated or configured)");
        }
        Kind kind = Kind.byLabel(k.asText());
        if (kind == null) {
            throw new ProfileException(at + ": kind: '" + k.asText() + "' is not measured, derived, estimated or configured");
        }
        JsonNode s = c.get("source");
        if (s == null || !s.isTextual() || s.asText().isBlank()) {
            throw new ProfileException(at + ": source: missing or empty (say where the figure comes from)");
        }
        double low = Double.NaN;
        double high = Double.NaN;
        JsonNode r = c.get("range");
        if (r != null) {
            if (!r.isArray() || r.size() != 2 || !r.get(0).isNumber() || !r.get(1).isNumber()) {
                throw new ProfileException(at + ": range: expected [low, high] in " + unit.label());
            }
            low = r.get(0).asDouble();
            high = r.get(1).asDouble();
            if (!(low <= value && value <= high)) {
                throw new ProfileException(at + ": range: value " + trim(value) + " is outside [" + trim(low) + ", "
                        + trim(high) + "]");
            }
            if (low < 0) {
                throw new ProfileException(at + ": range: low end must not be negative");
            }
        } else if (kind == Kind.ESTIMATED) {
            throw new ProfileException(at + ": range: an estimated figure must carry a range [low, high]");
        }
        return new Cost(value, unit, kind, s.asText(), low, high);
    }

    private static String describe(CostParam.Dimension d) {
        return switch (d) {
            case FREQUENCY -> "a frequency (MHz)";
            case TIME -> "a time (ns, us, ms, cycles)";
            case TIME_PER_BYTE -> "a time per byte (ns/byte, cycles/byte)";
            case COUNT -> "a count (count)";
        };
    }

    private static String text(JsonNode root, String field, String file, boolean required) throws ProfileException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new ProfileException(file + ": " + field + ": missing");
            }
            return null;
        }
        if (!n.isTextual() || (required && n.asText().isBlank())) {
            throw new ProfileException(file + ": " + field + ": must be a non-empty string");
        }
        return n.asText();
    }

    /** @return the profile as a document of the profile format (what {@link #parse} reads back) */
    public static ObjectNode toJson(Profile p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", p.name());
        root.put("title", p.title());
        root.put("cpus", p.cpus());
        root.put("notes", p.notes());
        ObjectNode costs = root.putObject("costs");
        for (CostParam k : CostParam.values()) {
            Cost c = p.costs().get(k);
            ObjectNode o = costs.putObject(k.key());
            o.put("value", round(c.value()));
            o.put("unit", c.unit().label());
            o.put("kind", c.kind().label());
            o.put("source", c.source());
            if (c.ranged()) {
                ArrayNode a = o.putArray("range");
                a.add(round(c.low()));
                a.add(round(c.high()));
            }
        }
        return root;
    }

    /** Writes {@code p} as a profile file. */
    public static void write(Profile p, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson(p));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown reason";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
