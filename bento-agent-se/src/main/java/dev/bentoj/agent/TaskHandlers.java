package dev.bentoj.agent;

import dev.bentoj.agent.proving.FinalizeTask;
import dev.bentoj.agent.proving.JoinTask;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.agent.proving.ProveTask;
import dev.bentoj.agent.proving.SnarkTask;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The handler of each worker type an agent serves: one agent process may serve several. */
public final class TaskHandlers {
    private TaskHandlers() {
    }

    /**
     * @param types worker types: {@code exec}, {@code prove}, {@code join} (Join and Resolve),
     *              {@code aux} (Finalize), {@code snark}
     * @throws IllegalArgumentException for an unknown type
     */
    public static Map<String, TaskHandler> of(Collection<String> types, ObjectStore objects, Intermediates redis,
                                              WorkClient client, ProofSettings settings) {
        Map<String, TaskHandler> handlers = new LinkedHashMap<>();
        for (String type : types) {
            handlers.put(type, switch (type) {
                case "exec" -> new ExecuteTask(objects, redis, client, settings);
                case "prove" -> new ProveTask(redis, settings);
                case "join" -> new JoinTask(redis, objects, settings);
                case "aux" -> new FinalizeTask(redis, objects, settings);
                case "snark" -> new SnarkTask();
                default -> throw new IllegalArgumentException("unknown worker type " + type
                        + " (worker types: exec, prove, join, aux, snark)");
            });
        }
        return handlers;
    }
}
