package dev.bentoj.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Durations in nanoseconds, added from any thread; percentiles in milliseconds. */
final class Latencies {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized void addAll(Latencies other) {
        long[] theirs = other.snapshot();
        for (long v : theirs) {
            add(v);
        }
    }

    synchronized int size() {
        return size;
    }

    private synchronized long[] snapshot() {
        return Arrays.copyOf(values, size);
    }

    /** Nearest-rank percentile ({@code p} in 0..100), in ms with two decimals; NaN when empty. */
    double percentileMs(double p) {
        long[] sorted = snapshot();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return ms(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
    }

    /** {@code <prefix>p50_ms}, {@code p99_ms} and {@code max_ms}. */
    Map<String, Object> summary(String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(prefix + "p50_ms", percentileMs(50));
        out.put(prefix + "p99_ms", percentileMs(99));
        out.put(prefix + "max_ms", percentileMs(100));
        return out;
    }

    /** The mean, in ms with two decimals; NaN when empty. */
    double meanMs() {
        long[] all = snapshot();
        return all.length == 0 ? Double.NaN : ms((long) Arrays.stream(all).average().orElse(0));
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
