package dev.bentoj.agent.proving;

import dev.bentoj.agent.TaskHandler.TaskFailure;
import dev.bentoj.storage.control.IntermediateNotFoundException;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.StorageException;
import dev.bentoj.zkvm.stark.VerificationException;

/** Reads and writes of a task's intermediates, with failures a user can act on. */
final class Intermediate {
    private Intermediate() {
    }

    /**
     * The intermediate {@code name} of {@code job}.
     *
     * @throws TaskFailure naming the key if it is missing (for good: nothing will write it again),
     *                     or Redis' trouble (retryable)
     */
    static byte[] read(Intermediates redis, String job, String name) throws TaskFailure {
        try {
            return redis.get(job, name);
        } catch (IntermediateNotFoundException e) {
            throw new TaskFailure(e.getMessage(), false);
        } catch (StorageException e) {
            throw new TaskFailure(e.getMessage(), true);
        }
    }

    static ClaimedReceipt readReceipt(Intermediates redis, String job, String name) throws TaskFailure {
        byte[] bytes = read(redis, job, name);
        try {
            return ClaimedReceipt.decode(bytes, Intermediates.key(job, name));
        } catch (VerificationException e) {
            throw new TaskFailure("refused: " + e.getMessage(), false);
        }
    }

    static void write(Intermediates redis, String job, String name, byte[] value) throws TaskFailure {
        try {
            redis.put(job, name, value);
        } catch (StorageException e) {
            throw new TaskFailure(e.getMessage(), true);
        }
    }
}
