package dev.dispatchlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH JSON results ({@code -rf json}) of {@link EspInboundBench}, {@link EspInboundLayersBench}
 * and {@link PacketPathAllocationBench} into the markdown tables of {@code bench/README.md}. Several
 * files are several runs of the same benchmarks: each figure is the median over the runs of the
 * run's median (SampleTime p50, or the score in other modes), and B/op the median of the runs'
 * {@code gc.alloc.rate.norm}.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.dispatchlab.bench.JmhTables run1.json [run2.json ...]
 * </pre>
 */
public final class JmhTables {

    private static final String ESP = EspInboundBench.class.getName() + ".";
    private static final String LAYERS = EspInboundLayersBench.class.getName() + ".";
    private static final String ALLOC = PacketPathAllocationBench.class.getName() + ".";

    /** Per benchmark method and parameter key: the runs' medians and bytes per operation. */
    private final Map<String, Map<String, List<double[]>>> results = new LinkedHashMap<>();

    private JmhTables() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JmhTables result.json [more runs of the same benchmarks ...]");
            System.exit(2);
        }
        JmhTables t = new JmhTables();
        ObjectMapper json = new ObjectMapper();
        for (String a : args) {
            for (JsonNode r : json.readTree(Path.of(a).toFile())) {
                t.add(r);
            }
        }
        t.espTable();
        t.layersTable();
        t.allocationTable();
    }

    private void add(JsonNode r) {
        String bench = r.get("benchmark").asText();
        JsonNode params = r.get("params");
        String key = params == null ? "/" : params.path("suite").asText("") + "/" + params.path("payload").asText("");
        JsonNode pm = r.get("primaryMetric");
        double time = pm.has("scorePercentiles") && "sample".equals(r.get("mode").asText())
                ? pm.get("scorePercentiles").get("50.0").asDouble() : pm.get("score").asDouble();
        JsonNode gc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
        double bytes = gc.isMissingNode() ? Double.NaN : gc.get("score").asDouble();
        results.computeIfAbsent(bench, b -> new TreeMap<>(JmhTables::byParams))
                .computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{time, bytes});
    }

    /** Orders "SUITE/payload" keys by suite as declared in the benchmark, then by payload numerically. */
    private static int byParams(String a, String b) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        int c = Integer.compare(suiteRank(x[0]), suiteRank(y[0]));
        if (c != 0) {
            return c;
        }
        return Integer.compare(x[1].isEmpty() ? 0 : Integer.parseInt(x[1]), y[1].isEmpty() ? 0 : Integer.parseInt(y[1]));
    }

    private static int suiteRank(String s) {
        List<String> order = List.of("AES128_GCM", "AES256_GCM", "CHACHA20_POLY1305", "AES128_CBC_SHA256");
        int i = order.indexOf(s);
        return i < 0 ? order.size() : i;
    }

    private double time(String bench, String key) {
        return median(bench, key, 0);
    }

    private double bytes(String bench, String key) {
        return median(bench, key, 1);
    }

    private int runs(String bench, String key) {
        List<double[]> v = results.getOrDefault(bench, Map.of()).get(key);
        return v == null ? 0 : v.size();
    }

    private double median(String bench, String key, int field) {
        List<double[]> v = results.getOrDefault(bench, Map.of()).get(key);
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        double[] x = v.stream().mapToDouble(a -> a[field]).sorted().toArray();
        int n = x.length;
        return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
    }

    private void espTable() {
        Map<String, List<double[]>> esp = results.get(ESP + "esp");
        if (esp == null) {
            return;
        }
        System.out.println("| suite | payload B | bare JCA ns | ESP inbound ns | ESP / bare | ESP - bare ns | target | "
                + "whole stack ns | harness ns (index / restore) | B/op bare | B/op ESP | B/op stack | runs |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String key : esp.keySet()) {
            double index = time(ESP + "index", key);
            double restore = time(ESP + "restore", key);
            double bare = time(ESP + "bare", key) - index;
            double net = time(ESP + "esp", key) - restore;
            double stack = time(ESP + "stack", key) - restore;
            String[] k = key.split("/");
            int payload = Integer.parseInt(k[1]);
            String target = payload == 64 ? (net - bare <= 100 ? "met (<= +100 ns)" : "NOT met (<= +100 ns)")
                    : payload == 1400 ? (net / bare <= 1.15 ? "met (<= 1.15)" : "NOT met (<= 1.15)") : "";
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %+.0f | %s | %.0f | %.0f / %.0f | %s | %s | %s | %d |%n",
                    k[0], payload, bare, net, net / bare, net - bare, target, stack, index, restore,
                    b(bytes(ESP + "bare", key)), b(bytes(ESP + "esp", key)), b(bytes(ESP + "stack", key)),
                    runs(ESP + "esp", key));
        }
        System.out.println();
    }

    private void layersTable() {
        if (!results.containsKey(LAYERS + "esp")) {
            return;
        }
        List<String> layers = List.of("bare", "transform", "driver", "esp");
        System.out.println("| suite | payload B | bare JCA ns | + Transform ns | + software driver ns | + EspInput ns | "
                + "harness ns (index / restore) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String key : results.get(LAYERS + "esp").keySet()) {
            double index = time(LAYERS + "index", key);
            double restore = time(LAYERS + "restore", key);
            double[] v = new double[layers.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = time(LAYERS + layers.get(i), key) - (i == 0 ? index : restore);
            }
            String[] k = key.split("/");
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f (%+.0f) | %.0f (%+.0f) | %.0f (%+.0f) | %.0f / %.0f |%n",
                    k[0], k[1], v[0], v[1], v[1] - v[0], v[2], v[2] - v[1], v[3], v[3] - v[2], index, restore);
        }
        System.out.println();
    }

    private void allocationTable() {
        boolean any = false;
        for (String bench : results.keySet()) {
            if (!bench.startsWith(ALLOC)) {
                continue;
            }
            if (!any) {
                System.out.println("| stage (no JCA) | ns/op | B/op | runs |");
                System.out.println("|---|---:|---:|---:|");
                any = true;
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %d |%n", bench.substring(ALLOC.length()), time(bench, "/"),
                    b(bytes(bench, "/")), runs(bench, "/"));
        }
        if (any) {
            System.out.println();
        }
    }

    private static String b(double bytes) {
        if (Double.isNaN(bytes)) {
            return "-";
        }
        return bytes < 0.5 ? String.format(Locale.ROOT, "%.3f", bytes) : String.format(Locale.ROOT, "%.0f", bytes);
    }
}
