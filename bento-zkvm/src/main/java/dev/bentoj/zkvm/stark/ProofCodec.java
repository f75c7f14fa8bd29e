package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.fri.FriSchedule;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The proof format v1 of {@code stark-protocol.md} §6: little-endian, field elements as
 * canonical u32. Decoding is strict: the fixed header is checked first, the exact total length
 * is computed from the header, the AIR and the FRI schedule and compared before anything
 * proportional to the proof is allocated, every field element must be canonical, and no byte
 * may be left over.
 */
public final class ProofCodec {
    public static final byte[] MAGIC = {'B', 'Z', 'K', 'S'};
    public static final int VERSION = 1;
    public static final String PROTOCOL_ID = "bento-zkvm/stark/v1";
    public static final int EXT_W = 11;
    public static final int COSET_SHIFT = 31;
    public static final int HEADER_BYTES = 96;
    private static final int DIGEST_BYTES = 32;
    private static final int EXT_BYTES = 16;

    private ProofCodec() {
    }

    static byte[] protocolIdBytes() {
        return Arrays.copyOf(PROTOCOL_ID.getBytes(StandardCharsets.US_ASCII), 32);
    }

    // ------------------------------------------------------------------ encode

    public static byte[] encode(StarkProof p, AirLayout layout) {
        StarkParameters q = p.params();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(expectedLength(q, layout, p.logN(), p.publicValues().length)))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0).put(protocolIdBytes());
        b.put((byte) q.hashSuite().id()).put((byte) EXT_W);
        b.put((byte) q.logBlowup()).put((byte) q.logArity()).put((byte) q.logFinal());
        b.put((byte) q.powLookup()).put((byte) q.powOod()).put((byte) q.powCommit()).put((byte) q.powQuery());
        b.put((byte) 0).putShort((short) q.numQueries()).putInt(COSET_SHIFT);
        b.put(p.airId()).put((byte) p.logN()).put(new byte[3]).putInt(p.publicValues().length);
        for (int v : p.publicValues()) {
            b.putInt(v);
        }
        putDigest(b, p.mainRoot());
        if (q.powLookup() > 0) {
            b.putInt(p.lookupNonce());
        }
        if (layout.hasLookups()) {
            putDigest(b, p.auxRoot());
            putExt(b, p.logUpSum());
        }
        putDigest(b, p.quotientRoot());
        if (q.powOod() > 0) {
            b.putInt(p.oodNonce());
        }
        for (Ext e : p.oodValues()) {
            putExt(b, e);
        }
        for (int i = 0; i < p.friRoots().length; i++) {
            putDigest(b, p.friRoots()[i]);
            if (q.powCommit() > 0) {
                b.putInt(p.friNonces()[i]);
            }
        }
        for (Ext e : p.finalPolynomial()) {
            putExt(b, e);
        }
        if (q.powQuery() > 0) {
            b.putInt(p.queryNonce());
        }
        for (StarkProof.Query query : p.queries()) {
            for (StarkProof.TreeOpening t : query.trees()) {
                for (int v : t.row()) {
                    b.putInt(BabyBear.fromMont(v));
                }
                for (Digest d : t.path()) {
                    putDigest(b, d);
                }
            }
            for (StarkProof.FriOpening f : query.rounds()) {
                for (Ext e : f.block()) {
                    putExt(b, e);
                }
                for (Digest d : f.path()) {
                    putDigest(b, d);
                }
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("proof shape does not match its AIR: " + b.remaining() + " bytes unwritten");
        }
        return b.array();
    }

    private static void putDigest(ByteBuffer b, Digest d) {
        b.put(d.toBytes());
    }

    private static void putExt(ByteBuffer b, Ext e) {
        for (int c : e.toCanonical()) {
            b.putInt(c);
        }
    }

    /** The exact byte length of a proof with these parameters for this AIR at height 2^logN. */
    public static long expectedLength(StarkParameters q, AirLayout layout, int logN, int numPublic) {
        FriSchedule s = FriSchedule.of(logN, q.logBlowup(), q.logArity(), q.logFinal());
        int wPre = layout.air().preprocessedWidth();
        int wMain = layout.air().mainWidth();
        int wAux = layout.auxWidth();
        int quotWidth = 4 * layout.quotientChunks();
        long e = 2L * (wPre + wMain + wAux) + quotWidth;
        long len = HEADER_BYTES + 4L * numPublic + DIGEST_BYTES;
        len += q.powLookup() > 0 ? 4 : 0;
        len += layout.hasLookups() ? DIGEST_BYTES + EXT_BYTES : 0;
        len += DIGEST_BYTES + (q.powOod() > 0 ? 4 : 0);
        len += EXT_BYTES * e;
        len += (long) s.rounds() * (DIGEST_BYTES + (q.powCommit() > 0 ? 4 : 0));
        len += (long) EXT_BYTES * s.finalLength();
        len += q.powQuery() > 0 ? 4 : 0;
        long depth = logN + q.logBlowup();
        long perQuery = 0;
        for (int w : new int[] {wPre, wMain, wAux, quotWidth}) {
            if (w > 0) {
                perQuery += 4L * w + DIGEST_BYTES * depth;
            }
        }
        for (int i = 0; i < s.rounds(); i++) {
            perQuery += (long) EXT_BYTES * (1 << s.logArity(i)) + (long) DIGEST_BYTES * s.pathDepth(i);
        }
        return len + perQuery * q.numQueries();
    }

    // ------------------------------------------------------------------ decode

    /**
     * Parses a proof for {@code layout}'s AIR.
     *
     * @throws VerificationException naming the first rule the bytes break
     */
    public static StarkProof decode(byte[] bytes, AirLayout layout) throws VerificationException {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new VerificationException("proof too short for its " + HEADER_BYTES + "-byte header ("
                    + (bytes == null ? 0 : bytes.length) + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        require(Arrays.equals(magic, MAGIC), "bad magic: not a bento-zkvm STARK proof");
        int version = Short.toUnsignedInt(b.getShort());
        require(version == VERSION, "proof version " + version + " is not " + VERSION);
        require(b.getShort() == 0, "reserved header bytes are not zero");
        byte[] protocol = new byte[32];
        b.get(protocol);
        require(Arrays.equals(protocol, protocolIdBytes()), "protocol id is not " + PROTOCOL_ID);
        HashSuite suite;
        try {
            suite = HashSuite.ofId(Byte.toUnsignedInt(b.get()));
        } catch (IllegalArgumentException e) {
            throw new VerificationException(e.getMessage());
        }
        require(b.get() == EXT_W, "extension field is not F_p[X]/(X^4 - 11)");
        int logBlowup = b.get();
        int logArity = b.get();
        int logFinal = b.get();
        int powLookup = b.get();
        int powOod = b.get();
        int powCommit = b.get();
        int powQuery = b.get();
        require(b.get() == 0, "reserved header byte is not zero");
        int numQueries = Short.toUnsignedInt(b.getShort());
        require(b.getInt() == COSET_SHIFT, "coset shift is not " + COSET_SHIFT);
        StarkParameters params;
        try {
            params = new StarkParameters(logBlowup, logArity, logFinal, numQueries, powLookup, powOod, powCommit, powQuery,
                    suite);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("parameters out of range: " + e.getMessage());
        }
        byte[] airId = new byte[32];
        b.get(airId);
        require(Arrays.equals(airId, layout.airId()), "proof is for another AIR than " + layout.air().name());
        int logN = Byte.toUnsignedInt(b.get());
        byte[] reserved = new byte[3];
        b.get(reserved);
        require(Arrays.equals(reserved, new byte[3]), "reserved header bytes are not zero");
        long numPublic = Integer.toUnsignedLong(b.getInt());
        require(logN >= layout.air().minLogN() && logN <= layout.air().maxLogN(),
                "trace height 2^" + logN + " outside the AIR's range 2^" + layout.air().minLogN()
                        + "..2^" + layout.air().maxLogN());
        require(logN + logBlowup <= 27, "log n + log blowup exceeds the field's two-adicity 27");
        require(numPublic == layout.air().publicValueCount(),
                "proof has " + numPublic + " public values, the AIR " + layout.air().publicValueCount());
        require(powLookup == 0 || layout.hasLookups(), "lookup proof-of-work on an AIR without lookups");
        long expected = expectedLength(params, layout, logN, (int) numPublic);
        require(bytes.length == expected, "proof is " + bytes.length + " bytes, its header implies " + expected);

        int[] publicValues = new int[(int) numPublic];
        for (int i = 0; i < publicValues.length; i++) {
            publicValues[i] = canonical(b, "public value " + i);
        }
        Digest mainRoot = digest(b, "main root");
        int lookupNonce = powLookup > 0 ? canonical(b, "lookup nonce") : 0;
        Digest auxRoot = null;
        Ext logUpSum = null;
        if (layout.hasLookups()) {
            auxRoot = digest(b, "aux root");
            logUpSum = ext(b, "LogUp sum");
        }
        Digest quotientRoot = digest(b, "quotient root");
        int oodNonce = powOod > 0 ? canonical(b, "out-of-domain nonce") : 0;
        int wPre = layout.air().preprocessedWidth();
        int wMain = layout.air().mainWidth();
        int wAux = layout.auxWidth();
        int quotWidth = 4 * layout.quotientChunks();
        Ext[] ood = new Ext[2 * (wPre + wMain + wAux) + quotWidth];
        for (int i = 0; i < ood.length; i++) {
            ood[i] = ext(b, "out-of-domain value " + i);
        }
        FriSchedule schedule = FriSchedule.of(logN, logBlowup, logArity, logFinal);
        Digest[] friRoots = new Digest[schedule.rounds()];
        int[] friNonces = new int[schedule.rounds()];
        for (int i = 0; i < friRoots.length; i++) {
            friRoots[i] = digest(b, "FRI root " + i);
            friNonces[i] = powCommit > 0 ? canonical(b, "FRI nonce " + i) : 0;
        }
        Ext[] finalPoly = new Ext[schedule.finalLength()];
        for (int i = 0; i < finalPoly.length; i++) {
            finalPoly[i] = ext(b, "final coefficient " + i);
        }
        int queryNonce = powQuery > 0 ? canonical(b, "query nonce") : 0;
        int depth = logN + logBlowup;
        List<StarkProof.Query> queries = new ArrayList<>(numQueries);
        for (int qi = 0; qi < numQueries; qi++) {
            List<StarkProof.TreeOpening> trees = new ArrayList<>(4);
            for (int w : new int[] {wPre, wMain, wAux, quotWidth}) {
                if (w == 0) {
                    continue;
                }
                int[] row = new int[w];
                for (int i = 0; i < w; i++) {
                    row[i] = BabyBear.toMont(canonical(b, "opened row value"));
                }
                trees.add(new StarkProof.TreeOpening(row, path(b, depth)));
            }
            List<StarkProof.FriOpening> rounds = new ArrayList<>(schedule.rounds());
            for (int i = 0; i < schedule.rounds(); i++) {
                Ext[] block = new Ext[1 << schedule.logArity(i)];
                for (int j = 0; j < block.length; j++) {
                    block[j] = ext(b, "FRI block value");
                }
                rounds.add(new StarkProof.FriOpening(block, path(b, schedule.pathDepth(i))));
            }
            queries.add(new StarkProof.Query(trees, rounds));
        }
        require(!b.hasRemaining(), "trailing bytes after the proof");
        return new StarkProof(params, airId, logN, publicValues, mainRoot, lookupNonce, auxRoot, logUpSum,
                quotientRoot, oodNonce, ood, friRoots, friNonces, finalPoly, queryNonce, queries);
    }

    private static void require(boolean ok, String reason) throws VerificationException {
        if (!ok) {
            throw new VerificationException(reason);
        }
    }

    private static int canonical(ByteBuffer b, String what) throws VerificationException {
        int v = b.getInt();
        require(Integer.compareUnsigned(v, BabyBear.P) < 0, what + " is not a canonical field element");
        return v;
    }

    private static Digest digest(ByteBuffer b, String what) throws VerificationException {
        byte[] d = new byte[DIGEST_BYTES];
        b.get(d);
        try {
            return Digest.fromBytes(d);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(what + " is not canonical");
        }
    }

    private static Ext ext(ByteBuffer b, String what) throws VerificationException {
        int c0 = canonical(b, what);
        int c1 = canonical(b, what);
        int c2 = canonical(b, what);
        int c3 = canonical(b, what);
        return Ext.fromCanonical(c0, c1, c2, c3);
    }

    private static Digest[] path(ByteBuffer b, int depth) throws VerificationException {
        Digest[] p = new Digest[depth];
        for (int i = 0; i < depth; i++) {
            p[i] = digest(b, "Merkle sibling");
        }
        return p;
    }
}
