package dev.bentoj.agent.proving;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JoinPlannerTest {

    private static String describe(List<JoinPlanner.Step> steps) {
        List<String> out = new ArrayList<>();
        for (JoinPlanner.Step s : steps) {
            out.add(s.isJoin() ? s.taskId() + "=J(" + s.left() + "," + s.right() + ")" : s.taskId() + "=P" + s.segment());
        }
        return String.join(" ", out);
    }

    @Test
    void fourSegmentsGiveUpstreamsNumbering() {
        JoinPlanner p = new JoinPlanner();
        List<JoinPlanner.Step> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.addAll(p.addSegment(i));
        }
        all.addAll(p.finish());
        assertEquals("0=P0 1=P1 2=J(0,1) 3=P2 4=P3 5=J(3,4) 6=J(2,5)", describe(all));
        assertEquals("6", p.root());
    }

    @Test
    void leftoverPeaksFoldNewestFirstKeepingSegmentOrder() {
        JoinPlanner p = new JoinPlanner();
        List<JoinPlanner.Step> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.addAll(p.addSegment(i));
        }
        all.addAll(p.finish());
        assertEquals("0=P0 1=P1 2=J(0,1) 3=P2 4=J(2,3)", describe(all));
        assertEquals("4", p.root());
    }

    @Test
    void oneSegmentIsItsOwnRoot() {
        JoinPlanner p = new JoinPlanner();
        assertEquals("0=P0", describe(p.addSegment(0)));
        assertEquals(List.of(), p.finish());
        assertEquals("0", p.root());
        assertThrows(IllegalStateException.class, () -> new JoinPlanner().finish());
    }

    @Test
    void sixteenSegmentsMakeFifteenJoinsAndEveryJoinComesAfterItsChildren() {
        JoinPlanner p = new JoinPlanner();
        List<JoinPlanner.Step> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.addAll(p.addSegment(i));
        }
        all.addAll(p.finish());
        assertEquals(31, all.size());
        assertEquals(15, all.stream().filter(JoinPlanner.Step::isJoin).count());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JoinPlanner.Step s : all) {
            if (s.isJoin()) {
                assertEquals(true, seen.contains(s.left()) && seen.contains(s.right()), s.toString());
            }
            seen.add(s.taskId());
        }
    }
}
