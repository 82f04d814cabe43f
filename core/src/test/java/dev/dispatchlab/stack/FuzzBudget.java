package dev.dispatchlab.stack;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

import java.util.List;

/**
 * Bounds a fuzz property in time as well as in tries, so that it fits in {@code mvn verify}: tries
 * go on until {@value #SECONDS} seconds have passed since the first try ended (default
 * {@value #DEFAULT_SECONDS}; the first try pays for building the corpus, a few seconds) or
 * {@value #TRIES} tries are done (default: the property's own {@code tries}), whichever comes first.
 * A falsified try is never cut short, so shrinking works as usual.
 *
 * <p>Reproducing: every run reports its seed, and a failure's message says how to run it again:
 * {@code -Ddispatchlab.fuzz.seed=SEED} fixes the seed of every fuzz property (the sequence of
 * generated cases then repeats exactly, up to the try that failed, provided the run gets as far
 * within its time budget). A longer hunt: {@code -Ddispatchlab.fuzz.seconds=600}.
 */
public final class FuzzBudget implements AroundPropertyHook, AroundTryHook {

    public static final String SECONDS = "dispatchlab.fuzz.seconds";
    public static final String TRIES = "dispatchlab.fuzz.tries";
    public static final String SEED = "dispatchlab.fuzz.seed";
    public static final int DEFAULT_SECONDS = 15;

    private static final Object DEADLINE = new Object();

    /** @return the time budget of one fuzz property, in seconds */
    static double seconds() {
        return Double.parseDouble(System.getProperty(SECONDS, Integer.toString(DEFAULT_SECONDS)));
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = Integer.getInteger(TRIES);
        if (tries != null) {
            context.attributes().setTries(tries);
        }
        String seed = System.getProperty(SEED);
        if (seed != null && !seed.isBlank()) {
            context.attributes().setSeed(seed.strip());
        }
        double budget = seconds();
        long start = System.nanoTime();
        // the clock starts after the first try, which pays for the one-time setup (building the corpus)
        Store.create(DEADLINE, Lifespan.PROPERTY, () -> new long[]{0, (long) (budget * 1e9)});
        PropertyExecutionResult r = property.execute();
        double took = (System.nanoTime() - start) / 1e9;
        String s = r.seed().orElse("?");
        context.reporter().publishValue("fuzz budget", String.format("%d tries in %.1f s (budget %.0f s), seed %s",
                r.countTries(), took, budget, s));
        if (r.status() == PropertyExecutionResult.Status.FAILED && r.throwable().isPresent()) {
            Throwable t = r.throwable().get();
            AssertionError e = new AssertionError("fuzz property " + context.label() + " failed with seed " + s
                    + " (run again: -D" + SEED + "=" + s + "): " + t.getMessage(), t);
            return r.mapToFailed(e);
        }
        return r;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult r = aTry.execute(parameters);
        long[] deadline = Store.<long[]>get(DEADLINE).get();
        long now = System.nanoTime();
        if (deadline[0] == 0) {
            deadline[0] = now + deadline[1];
        }
        if (r.isSatisfied() && now - deadline[0] > 0) {
            return TryExecutionResult.satisfied(true);
        }
        return r;
    }
}
