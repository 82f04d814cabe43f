package dev.dispatchlab.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The report and the chart files opened in a real browser, Debian's Chromium, headless: the page is
 * made from the committed sweep and bench fixtures, screenshotted and its DOM dumped; a sweep chart's
 * SVG file is screenshotted too, and must show the models' line colours. Chromium is installed by
 * {@code ./run-tests}; without it this test fails, saying so.
 */
class BrowserReportTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern IMG = Pattern.compile("<img [^>]*src=\"data:image/png;base64,");

    @TempDir
    Path dir;

    @Test
    void theReportRendersInHeadlessChromiumWithItsTablesAndCharts() throws Exception {
        requireChromium();
        ResultFiles.Document sweep = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        ResultFiles.Document bench = ResultFiles.load(ReportPages.fixture("bench-small.json"));
        Path html = dir.resolve("report.html");
        HtmlReport.write(html, List.of(new HtmlReport.Source("sweep-small.json", sweep),
                new HtmlReport.Source("bench-small.json", bench)));
        int images = count(IMG, Files.readString(html));
        assertThat(images).as("charts in the page").isGreaterThanOrEqualTo(10);

        Path shot = dir.resolve("report.png");
        chromium(List.of("--screenshot=" + shot, "--window-size=1280,2000", html.toUri().toString()));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).as("a PNG Chromium wrote").isNotNull();
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(2000);
        Map<Integer, Integer> colours = histogram(img);
        assertThat(colours.size()).as("distinct colours in the screenshot (a blank page has one)").isGreaterThan(16);
        int most = colours.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(most).as("pixels of the most common colour").isLessThan(img.getWidth() * img.getHeight() * 98 / 100);

        String dom = chromium(List.of("--dump-dom", html.toUri().toString()));
        assertThat(count(IMG, dom)).as("chart images in the DOM Chromium built").isEqualTo(images);
        assertThat(dom).contains("Limits of this machine", "Delivered rate against offered rate (livelock curve)",
                "<table>", "netty", "disruptor");
    }

    @Test
    void aSweepChartAsSvgRendersInChromiumWithOneColouredLinePerModel() throws Exception {
        requireChromium();
        ResultFiles.Document sweep = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        List<Path> files = ChartFiles.writeSweep(dir.resolve("charts"), sweep.runs(), sweep.baselines());
        Path svg = dir.resolve("charts").resolve("livelock.svg");
        assertThat(files).contains(svg);
        Path shot = dir.resolve("livelock.png");
        chromium(List.of("--screenshot=" + shot, "--window-size=" + Charts.WIDTH + "," + Charts.HEIGHT,
                svg.toUri().toString()));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).isNotNull();
        Map<Integer, Integer> colours = histogram(img);
        List<String> models = sweep.runs().stream().map(r -> r.model()).distinct().toList();
        assertThat(models).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < models.size(); i++) {
            Color c = Charts.modelColor(models.get(i), i);
            assertThat(near(colours, c)).as("pixels of " + models.get(i) + "'s line colour " + c).isGreaterThan(50);
        }
    }

    /** Fails, saying how to get it, when Chromium is not installed (CI runs ./run-tests, which installs it). */
    static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is not installed: run ./run-tests, which installs Debian's chromium package "
                    + "(or apt-get install chromium)");
        }
    }

    /** Runs headless Chromium with {@code args} after the common flags; @return what it printed on stdout. */
    private String chromium(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 120 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium exit status; stderr: " + Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static Map<Integer, Integer> histogram(BufferedImage img) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                m.merge(img.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        return m;
    }

    /** @return pixels within a small distance of {@code c} (anti-aliasing shifts the exact colour) */
    private static int near(Map<Integer, Integer> colours, Color c) {
        int n = 0;
        for (Map.Entry<Integer, Integer> e : colours.entrySet()) {
            int rgb = e.getKey();
            int dr = ((rgb >> 16) & 0xFF) - c.getRed();
            int dg = ((rgb >> 8) & 0xFF) - c.getGreen();
            int db = (rgb & 0xFF) - c.getBlue();
            if (dr * dr + dg * dg + db * db < 20 * 20) {
                n += e.getValue();
            }
        }
        return n;
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
