package org.tinymem.data;

import static org.junit.jupiter.api.Assertions.fail;

/** The Brown Corpus that {@code data/fetch-brown.sh} unpacked, for tests; a missing corpus fails the test and says how to fetch it. */
public final class FetchedBrown {
    private FetchedBrown() {}

    public static BrownCorpus orFail() {
        try {
            return BrownCorpus.fetched();
        } catch (IllegalStateException e) {
            return fail("the Brown Corpus is missing: run data/fetch-brown.sh first (" + e.getMessage() + ")");
        }
    }
}
