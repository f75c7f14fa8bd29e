package dev.bentoj.zkvm.image;

import dev.bentoj.zkvm.hash.Digest;

/** A machine state between segments: the pc and the memory root (registers live in memory). */
public record SystemState(int pc, Digest root) {
}
