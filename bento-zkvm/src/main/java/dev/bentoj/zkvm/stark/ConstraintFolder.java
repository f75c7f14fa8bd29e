package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.ConstraintKind;
import dev.bentoj.zkvm.field.Ext;

import java.util.List;

/**
 * The random linear combination of all constraints at one point, acc ← acc·α + s_i·C_i in
 * layout order, shared by the prover (on every row of D) and the verifier (at z) so that both
 * combine exactly the same terms with the same selectors.
 */
final class ConstraintFolder {
    private final ConstraintKind[] kinds;

    ConstraintFolder(AirLayout layout) {
        List<dev.bentoj.zkvm.air.Constraint> user = layout.air().constraints();
        kinds = new ConstraintKind[layout.constraintCount()];
        for (int i = 0; i < user.size(); i++) {
            kinds[i] = user.get(i).kind();
        }
        if (layout.hasLookups()) {
            int at = user.size();
            for (int g = 0; g < layout.groupCount(); g++) {
                kinds[at++] = ConstraintKind.ALL;
            }
            kinds[at++] = ConstraintKind.FIRST;
            kinds[at++] = ConstraintKind.TRANSITION;
            kinds[at] = ConstraintKind.LAST;
        }
    }

    /** Selectors are s_FIRST, s_LAST, s_TRANSITION at the point (s_ALL = 1). */
    Ext fold(Ext[] values, Ext alpha, Ext sFirst, Ext sLast, Ext sTransition) {
        Ext acc = Ext.ZERO;
        for (int i = 0; i < kinds.length; i++) {
            Ext term = switch (kinds[i]) {
                case ALL -> values[i];
                case FIRST -> values[i].mul(sFirst);
                case LAST -> values[i].mul(sLast);
                case TRANSITION -> values[i].mul(sTransition);
            };
            acc = acc.mul(alpha).add(term);
        }
        return acc;
    }

    /** The selector kind of each constraint, in layout order. */
    ConstraintKind[] kinds() {
        return kinds.clone();
    }

    int count() {
        return kinds.length;
    }
}
