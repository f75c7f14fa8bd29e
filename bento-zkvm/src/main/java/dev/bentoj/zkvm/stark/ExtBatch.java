package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.Ext;

/** Montgomery's batch inversion over K: 3(m−1) products and one inversion. */
final class ExtBatch {
    private ExtBatch() {
    }

    /**
     * @throws IllegalStateException if an element is zero (a LogUp denominator vanished, which
     *                               happens with negligible probability: prove again)
     */
    static Ext[] inverse(Ext[] xs, String what) {
        int m = xs.length;
        Ext[] prefix = new Ext[m];
        Ext acc = Ext.ONE;
        for (int i = 0; i < m; i++) {
            if (xs[i].isZero()) {
                throw new IllegalStateException("zero denominator in " + what + " at position " + i);
            }
            prefix[i] = acc;
            acc = acc.mul(xs[i]);
        }
        Ext inv = acc.inv();
        Ext[] out = new Ext[m];
        for (int i = m - 1; i >= 0; i--) {
            out[i] = prefix[i].mul(inv);
            inv = inv.mul(xs[i]);
        }
        return out;
    }
}
