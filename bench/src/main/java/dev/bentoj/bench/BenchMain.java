package dev.bentoj.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Entry point of {@code ./bench/run NAME [options]}: progress as it goes, one JSON line last. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ./bench/run NAME [options]   (NAME: execute, ntt, poseidon2, stark, prove, taskdb, e2e)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Map<String, Object> result = switch (args[0]) {
            case "execute" -> ExecuteBench.run(rest);
            case "ntt" -> NttBench.run(rest);
            case "poseidon2" -> Poseidon2Bench.run(rest);
            case "stark" -> StarkBench.run(rest);
            case "prove" -> ProveBench.run(rest);
            case "taskdb" -> TaskDbBench.run(rest);
            case "e2e" -> E2eBench.run(rest);
            default -> {
                System.err.println("unknown benchmark " + args[0] + " (available: execute, ntt, poseidon2, stark, prove, taskdb, e2e)");
                System.exit(2);
                yield null;
            }
        };
        System.out.println(toJson(result));
    }

    /**
     * Objects of numbers, strings and nested objects only (NaN and null as null): no JSON library
     * needed in the benchmark jar.
     */
    static String toJson(Map<String, Object> fields) {
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + jsonValue(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }

    @SuppressWarnings("unchecked")
    private static String jsonValue(Object value) {
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof Map<?, ?> m) {
            return toJson((Map<String, Object>) m);
        }
        if (value == null || value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return "null";
        }
        return String.valueOf(value);
    }
}
