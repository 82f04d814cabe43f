package dev.dispatchlab.report;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the report tests share: the committed result documents (written by real short runs of
 * compare and sweep on a 2-CPU machine) and a check that an HTML page's images are real PNGs.
 */
public final class ReportPages {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final Pattern IMAGE = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    private ReportPages() {
    }

    /** @return a committed fixture: compare-small.json (push, puller, kcont at 20k) or sweep-small.json */
    public static Path fixture(String name) {
        try {
            return Path.of(ReportPages.class.getResource("/report/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource /report/" + name + " is missing", e);
        }
    }

    /**
     * Decodes every embedded image of {@code html} and checks it is a PNG of the report's chart
     * size: the signature, then an IHDR chunk with the width and height.
     *
     * @return how many images the page holds
     */
    public static int checkImages(String html) {
        Matcher m = IMAGE.matcher(html);
        List<byte[]> images = new ArrayList<>();
        while (m.find()) {
            images.add(Base64.getDecoder().decode(m.group(1)));
        }
        for (byte[] png : images) {
            assertThat(png.length).as("PNG size").isGreaterThan(2_000);
            assertThat(Arrays.copyOf(png, 8)).as("PNG signature").isEqualTo(PNG_SIGNATURE);
            ByteBuffer b = ByteBuffer.wrap(png);
            assertThat(new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
            assertThat(b.getInt(16)).as("width").isEqualTo(Charts.WIDTH);
            assertThat(b.getInt(20)).as("height").isEqualTo(Charts.HEIGHT);
        }
        return images.size();
    }

    /** @return the page with its images cut out, for readable assertion messages */
    public static String text(String html) {
        return IMAGE.matcher(html).replaceAll("<img src=\"…\"");
    }
}
