package dev.dispatchlab.device;

/**
 * Where the synthetic wire's frames come from: a fixed list of {@link FrameTemplate}s and the order
 * in which they are sent. The lead's ESP source builds real ESP frames with the {@code esp} package;
 * tests use dummy bytes.
 *
 * <p>Threading: {@link #select} and {@link #template} are called on the wire's device thread, once
 * per packet: they must not allocate or block.
 */
public interface FrameSource {

    /** @return the number of templates (at least one) */
    int templates();

    /** @return template {@code index}, in {@code [0, templates())} */
    FrameTemplate template(int index);

    /** @return the template index of the {@code n}-th packet sent (default: round robin) */
    default int select(long n) {
        return (int) (n % templates());
    }

    /** A source over a fixed array of templates, sent round robin. */
    static FrameSource of(FrameTemplate... templates) {
        if (templates.length == 0) {
            throw new IllegalArgumentException("a frame source needs at least one template");
        }
        FrameTemplate[] t = templates.clone();
        return new FrameSource() {
            @Override
            public int templates() {
                return t.length;
            }

            @Override
            public FrameTemplate template(int index) {
                return t[index];
            }
        };
    }
}
