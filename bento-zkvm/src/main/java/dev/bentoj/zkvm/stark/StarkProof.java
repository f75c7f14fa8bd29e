package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.hash.Digest;

import java.util.List;

/**
 * A STARK proof in memory, field elements in Montgomery form; {@link ProofCodec} gives its
 * byte format (§6). Optional parts are absent (null) exactly when the header and the AIR say so.
 */
public record StarkProof(
        StarkParameters params,
        byte[] airId,
        int logN,
        int[] publicValues,
        Digest mainRoot,
        int lookupNonce,
        Digest auxRoot,
        Ext logUpSum,
        Digest quotientRoot,
        int oodNonce,
        Ext[] oodValues,
        Digest[] friRoots,
        int[] friNonces,
        Ext[] finalPolynomial,
        int queryNonce,
        List<Query> queries) {

    /** One row of one committed tree and its Merkle path. */
    public record TreeOpening(int[] row, Digest[] path) {
    }

    /** One FRI block (arity many values) and its Merkle path. */
    public record FriOpening(Ext[] block, Digest[] path) {
    }

    /** The answers to one query: the trees in order (pre, main, aux, quotient), then FRI rounds. */
    public record Query(List<TreeOpening> trees, List<FriOpening> rounds) {
    }
}
