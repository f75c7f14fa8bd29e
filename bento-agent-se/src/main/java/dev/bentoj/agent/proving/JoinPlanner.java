package dev.bentoj.agent.proving;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The executor's plan of Prove and Join tasks, a binary counter as upstream's
 * (bento-reference.md §2): each segment adds a height-0 node (a Prove task); while the newest
 * two peaks have equal height they are joined. {@link #finish} folds the remaining peaks into
 * one root. Task numbers are shared by both kinds, so ids are deterministic: 4 segments give
 * 0 Prove, 1 Prove, 2 Join(0,1), 3 Prove, 4 Prove, 5 Join(3,4), 6 Join(2,5).
 */
public final class JoinPlanner {
    /** A planned task: a Prove of segment {@code segment} (left and right null) or a Join. */
    public record Step(String taskId, int segment, String left, String right) {
        public boolean isJoin() {
            return left != null;
        }
    }

    private record Peak(String taskId, int height) {
    }

    private final Deque<Peak> peaks = new ArrayDeque<>();
    private int next;

    /** The Prove task of the next segment and the Joins it completes, in creation order. */
    public List<Step> addSegment(int segment) {
        List<Step> steps = new ArrayList<>();
        Peak node = new Peak(Integer.toString(next++), 0);
        steps.add(new Step(node.taskId(), segment, null, null));
        while (!peaks.isEmpty() && peaks.peek().height() == node.height()) {
            Peak left = peaks.pop();
            Peak joined = new Peak(Integer.toString(next++), node.height() + 1);
            steps.add(new Step(joined.taskId(), -1, left.taskId(), node.taskId()));
            node = joined;
        }
        peaks.push(node);
        return steps;
    }

    /** The Joins that fold the remaining peaks, newest first, into one root. */
    public List<Step> finish() {
        if (peaks.isEmpty()) {
            throw new IllegalStateException("no segments were planned");
        }
        List<Step> steps = new ArrayList<>();
        while (peaks.size() > 1) {
            Peak right = peaks.pop();
            Peak left = peaks.pop();
            Peak joined = new Peak(Integer.toString(next++), Math.max(left.height(), right.height()) + 1);
            steps.add(new Step(joined.taskId(), -1, left.taskId(), right.taskId()));
            peaks.push(joined);
        }
        return steps;
    }

    /** The task whose receipt covers every segment (after {@link #finish}). */
    public String root() {
        if (peaks.size() != 1) {
            throw new IllegalStateException("the plan has " + peaks.size() + " peaks: finish() it first");
        }
        return peaks.peek().taskId();
    }
}
